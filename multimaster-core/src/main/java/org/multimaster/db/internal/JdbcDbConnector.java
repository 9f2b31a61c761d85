package org.multimaster.db.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.multimaster.db.ChangeSourcesConnector;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DatabaseUnavailableException;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.SchedulersConnector;
import org.multimaster.db.TimeSource;

/**
 * The JDBC implementation of {@link DbConnector}: a HikariCP pool, one {@link SqlExecutor} whose
 * threads match the pool, and the connectors that share them. Thread-safe.
 */
public final class JdbcDbConnector implements DbConnector {

    private final DatabaseUrl url;
    private final Clock clock;
    private final TimeSource timeSource;
    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final SqlExecutor sql;
    private final Schema schema;
    private final JdbcMastersConnector masters;
    private final JdbcSchedulers schedulers;
    private final JdbcChangeSources changeSources;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JdbcDbConnector(
            DatabaseUrl url,
            Clock clock,
            TimeSource timeSource,
            HikariDataSource dataSource,
            Dialect dialect,
            Schema schema,
            int threads) {
        this.url = url;
        this.clock = clock;
        this.timeSource = timeSource;
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.schema = schema;
        this.sql = new SqlExecutor(dataSource, url, threads);
        this.masters = new JdbcMastersConnector(sql, dialect, schema, new Now(timeSource, clock, dialect));
        this.schedulers = new JdbcSchedulers(JdbcComponents.schedulers(sql, dialect));
        this.changeSources = new JdbcChangeSources(JdbcComponents.changeSources(sql, dialect));
    }

    /** Opens a connector; see {@link DbConnector.Builder#open()}. */
    public static DbConnector open(
            DatabaseUrl url,
            Clock clock,
            TimeSource timeSource,
            int poolSize,
            Duration connectionTimeout,
            Duration busyTimeout,
            boolean migrate) {
        Dialect dialect = Dialect.of(url.kind());
        HikariDataSource dataSource = createPool(url, poolSize, connectionTimeout, busyTimeout);
        try {
            Schema schema = Schema.prepare(
                    dataSource,
                    dialect,
                    url,
                    migrate ? () -> createPool(url, 2, connectionTimeout, busyTimeout) : null);
            return new JdbcDbConnector(url, clock, timeSource, dataSource, dialect, schema, poolSize);
        } catch (SQLException e) {
            dataSource.close();
            String message = "cannot read the schema of " + url + ": " + SqlExecutor.describe(e);
            throw SqlErrors.isConnectionFailure(e)
                    ? new DatabaseUnavailableException(message, e)
                    : new MultimasterException(message, e);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource createPool(
            DatabaseUrl url, int poolSize, Duration connectionTimeout, Duration busyTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("multimaster");
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        // Migrations run on their own pool of two (see Schema.prepare), so poolSize 1 is safe here.
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(poolSize, 1));
        config.setConnectionTimeout(Math.max(250, connectionTimeout.toMillis()));
        if (url.kind() == DatabaseKind.SQLITE) {
            // WAL lets readers run beside a writer, across processes; synchronous stays at its
            // default (FULL), as in Buildbot. IMMEDIATE makes each write transaction take the write
            // lock at BEGIN, so two read-then-write transactions cannot deadlock on an upgrade;
            // busy_timeout makes a second process wait for the lock instead of failing.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", String.valueOf(busyTimeout.toMillis()));
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            config.addDataSourceProperty("foreign_keys", "true");
        }
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String detail = cause instanceof SQLException sql
                    ? SqlExecutor.describe(sql)
                    : DatabaseUrl.redact(String.valueOf(cause.getMessage()));
            throw new DatabaseUnavailableException(
                    "cannot connect to " + url + ": " + detail
                            + "; check that the database server is running and the URL is right",
                    cause);
        }
    }

    @Override
    public MastersConnector masters() {
        return masters;
    }

    @Override
    public SchedulersConnector schedulers() {
        return schedulers;
    }

    @Override
    public ChangeSourcesConnector changeSources() {
        return changeSources;
    }

    @Override
    public TimeSource timeSource() {
        return timeSource;
    }

    @Override
    public CompletableFuture<Instant> databaseNow() {
        return sql.autoCommit("read the database clock", connection -> {
            try (java.sql.Statement statement = connection.createStatement();
                    java.sql.ResultSet rs = statement.executeQuery("SELECT " + dialect.currentEpochSeconds())) {
                rs.next();
                return Instant.ofEpochSecond(rs.getLong(1));
            }
        });
    }

    @Override
    public DatabaseUrl url() {
        return url;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public boolean isBuildbotSchema() {
        return schema.isBuildbot();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            sql.close();
            dataSource.close();
        }
    }
}
