package org.multimaster.db.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import com.zaxxer.hikari.util.DriverDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ChangeSourceModel;
import org.multimaster.db.ChangeSourcesConnector;
import org.multimaster.db.ClusterPoll;
import org.multimaster.db.ClusterState;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DatabaseUnavailableException;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.SchedulerModel;
import org.multimaster.db.SchedulersConnector;
import org.multimaster.db.TimeSource;

/**
 * The JDBC implementation of {@link DbConnector}: a HikariCP pool, one {@link SqlExecutor} whose
 * threads match the pool, and the connectors that share them; plus, opened on first use, the lane
 * reserved for check-ins (a pool of one connection and an executor of one thread). Thread-safe.
 */
public final class JdbcDbConnector implements DbConnector {

    private static final Pattern SQLITE_BUSY_TIMEOUT_PARAMETER = Pattern.compile("[?&]busy_timeout=");

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
    private final Duration connectionTimeout;
    private final Duration busyTimeout;
    private final Object laneLock = new Object();
    private @Nullable CheckInLane checkInLane;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The reserved lane: its own pool and executor, so nothing else on this connector queues before it. */
    private record CheckInLane(HikariDataSource dataSource, SqlExecutor sql, JdbcMastersConnector masters) {
        void close() {
            sql.close();
            dataSource.close();
        }
    }

    private JdbcDbConnector(
            DatabaseUrl url,
            Clock clock,
            TimeSource timeSource,
            HikariDataSource dataSource,
            Dialect dialect,
            Schema schema,
            int threads,
            Duration connectionTimeout,
            Duration busyTimeout) {
        this.url = url;
        this.connectionTimeout = connectionTimeout;
        this.busyTimeout = busyTimeout;
        this.clock = clock;
        this.timeSource = timeSource;
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.schema = schema;
        this.sql = new SqlExecutor(dataSource, url, dialect, threads, "multimaster-db");
        this.masters = new JdbcMastersConnector(sql, dialect, schema, new Now(timeSource, clock, dialect));
        this.schedulers = new JdbcSchedulers(JdbcComponents.schedulers(sql, dialect));
        this.changeSources = new JdbcChangeSources(JdbcComponents.changeSources(sql, dialect));
    }

    /**
     * What {@link DbConnector.Builder} collected.
     *
     * @param poolName the pool's name, for its threads, logs and metrics
     * @param metricRegistry a Micrometer registry for the pool's metrics, or null
     */
    public record Settings(
            DatabaseUrl url,
            Clock clock,
            TimeSource timeSource,
            int poolSize,
            Duration connectionTimeout,
            Duration busyTimeout,
            boolean migrate,
            String poolName,
            @Nullable Object metricRegistry) {}

    /** Checks a name as registering it would; see {@link DbConnector#requireStorableName}. */
    public static void requireStorableName(DatabaseKind kind, String what, String name) {
        NamedRows.requireName(name, what, Dialect.of(kind));
    }

    /** Opens a connector; see {@link DbConnector.Builder#open()}. */
    public static DbConnector open(Settings settings) {
        return open(settings, null);
    }

    /**
     * Opens a connector whose pool takes its physical connections from {@code physical} applied to the
     * driver's data source, when given: tests wrap it to count the statements and round trips of
     * each operation (migrations and the check-in lane keep the plain driver).
     */
    static DbConnector open(Settings settings, @Nullable UnaryOperator<DataSource> physical) {
        DatabaseUrl url = settings.url();
        Duration connectionTimeout = settings.connectionTimeout();
        Duration busyTimeout = settings.busyTimeout();
        Dialect dialect = Dialect.of(url.kind());
        HikariDataSource dataSource = createPool(
                url,
                settings.poolName(),
                settings.poolSize(),
                connectionTimeout,
                busyTimeout,
                settings.metricRegistry(),
                physical);
        try {
            Schema schema = Schema.prepare(
                    dataSource,
                    dialect,
                    url,
                    settings.migrate()
                            ? () -> createPool(
                                    url,
                                    settings.poolName() + "-migrate",
                                    2,
                                    connectionTimeout,
                                    busyTimeout,
                                    null,
                                    null)
                            : null);
            return new JdbcDbConnector(
                    url,
                    settings.clock(),
                    settings.timeSource(),
                    dataSource,
                    dialect,
                    schema,
                    settings.poolSize(),
                    connectionTimeout,
                    busyTimeout);
        } catch (SQLException e) {
            dataSource.close();
            String message = "cannot read the schema of " + url + ": " + SqlExecutor.describe(e, url);
            throw SqlErrors.isConnectionFailure(e)
                    ? new DatabaseUnavailableException(message, e)
                    : new MultimasterException(message, e);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource createPool(
            DatabaseUrl url,
            String name,
            int poolSize,
            Duration connectionTimeout,
            Duration busyTimeout,
            @Nullable Object metricRegistry,
            @Nullable UnaryOperator<DataSource> physical) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        if (metricRegistry != null) {
            config.setMetricRegistry(metricRegistry);
        }
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
            // A busy_timeout in the URL is the user's: the driver would let the property override it.
            if (!SQLITE_BUSY_TIMEOUT_PARAMETER.matcher(url.jdbcUrl()).find()) {
                config.addDataSourceProperty("busy_timeout", String.valueOf(busyTimeout.toMillis()));
            }
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            config.addDataSourceProperty("foreign_keys", "true");
        } else if (url.kind() == DatabaseKind.POSTGRESQL) {
            // A lock held by another session makes a statement fail after the busy timeout, as on
            // SQLite, instead of waiting without end; sent with the connection's startup packet.
            // Both drivers let a URL's own options (sessionVariables) win over these properties.
            config.addDataSourceProperty("options", "-c lock_timeout=" + busyTimeout.toMillis());
        } else {
            // Row locks, and table locks (LOCK TABLES, DDL), whose wait is a day by default; whole
            // seconds, at least one.
            long seconds = Math.max(1, (busyTimeout.toMillis() + 999) / 1000);
            config.addDataSourceProperty(
                    "sessionVariables", "innodb_lock_wait_timeout=" + seconds + ",lock_wait_timeout=" + seconds);
        }
        if (physical != null) {
            config.setDataSource(physical.apply(new DriverDataSource(
                    url.jdbcUrl(),
                    null,
                    config.getDataSourceProperties(),
                    url.user().orElse(null),
                    url.password().orElse(null))));
            config.setJdbcUrl(null);
            config.setUsername(null);
            config.setPassword(null);
        }
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof SQLException sql) {
                if (SqlErrors.isSqliteNotWritable(sql)) {
                    throw new MultimasterException(notWritableMessage(url), sql);
                }
                if (SqlErrors.isSqliteNotADatabase(sql)) {
                    throw new MultimasterException(
                            "cannot open " + url + ": the file " + SqliteFiles.file(url) + " is not an SQLite"
                                    + " database; check that --db names the database file (the file was left as it"
                                    + " was)",
                            sql);
                }
                // A failure with its own advice (SQLite's file or disk) is not a server to check.
                String advice = SqlExecutor.advice(sql, url);
                if (advice != null) {
                    throw new MultimasterException(
                            "cannot open " + url + ": " + SqlExecutor.describe(sql, url) + "; " + advice, sql);
                }
            }
            String detail = cause instanceof SQLException sql
                    ? SqlExecutor.describe(sql, url)
                    : url.hidePasswordIn(String.valueOf(cause.getMessage()));
            throw new DatabaseUnavailableException(
                    "cannot connect to " + url + ": " + detail
                            + "; check that the database server is running and the URL is right",
                    cause);
        }
    }

    /**
     * Says what is wrong when SQLite cannot open a file for writing, and what to do: WAL mode has
     * every reader write the -wal and -shm files beside the database, so a reader needs write access
     * to the file and its directory, unless it reads the file as immutable.
     */
    private static String notWritableMessage(DatabaseUrl url) {
        Path file = SqliteFiles.file(url);
        if (Files.isDirectory(file)) {
            return "cannot open " + url + ": " + file + " is a directory, not an SQLite database file; check that"
                    + " --db names the database file";
        }
        Path directory = file.getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            return "cannot open " + url + ": " + directory
                    + (Files.exists(directory) ? " is not a directory" : " does not exist")
                    + ", so the file " + file.getFileName() + " cannot be created in it; check that --db names the"
                    + " database file, or create the directory";
        }
        if (directory != null && !Files.exists(file)) {
            return "cannot open " + url + ": the file " + file + " does not exist and this user may not create it"
                    + " in " + directory + "; run as a user who may write there, make the directory writable, or"
                    + " choose another place with --db";
        }
        return "cannot open " + url + ": the file " + file + " or its directory " + directory
                + " is not writable by this user, and SQLite writes its -wal and -shm files beside the database"
                + " even to read it; run as the user that owns them or make both writable, or read it (while no"
                + " master writes to it) with --db 'jdbc:sqlite:file:" + file + "?mode=ro&immutable=1'";
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
    public MastersConnector checkIns() {
        synchronized (laneLock) {
            if (closed.get()) {
                throw new MultimasterException("the connector to " + url + " is closed");
            }
            if (checkInLane == null) {
                HikariDataSource lanePool =
                        createPool(url, "multimaster-checkin", 1, connectionTimeout, busyTimeout, null, null);
                SqlExecutor laneSql = new SqlExecutor(lanePool, url, dialect, 1, "multimaster-checkin");
                checkInLane = new CheckInLane(
                        lanePool, laneSql, new JdbcMastersConnector(laneSql, dialect, schema, masters.now()));
            }
            return checkInLane.masters();
        }
    }

    @Override
    public TimeSource timeSource() {
        return timeSource;
    }

    @Override
    public CompletableFuture<ClusterState> clusterState() {
        return sql.autoCommit("read the cluster's state", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(CLUSTER_STATE)) {
                Cluster cluster = readCluster(statement);
                return new ClusterState(cluster.masters, cluster.schedulers, cluster.changeSources);
            }
        });
    }

    @Override
    public CompletableFuture<ClusterPoll> clusterPoll(long afterId) {
        return sql.autoCommit("read the cluster's active masters", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(CLUSTER_POLL)) {
                statement.setLong(1, afterId);
                Cluster cluster = readCluster(statement);
                return new ClusterPoll(cluster.masters, cluster.schedulers, cluster.changeSources, cluster.masterCount);
            }
        });
    }

    /** The rows of {@link #CLUSTER_STATE} or {@link #CLUSTER_POLL}, each list in id order. */
    private static Cluster readCluster(PreparedStatement statement) throws SQLException {
        Cluster cluster = new Cluster();
        try (java.sql.ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(2);
                switch (rs.getInt(1)) {
                    case MASTER_ROW ->
                        cluster.masters.add(new MasterModel(
                                id, rs.getString(3), rs.getInt(4) != 0, Instant.ofEpochSecond(rs.getLong(5))));
                    case SCHEDULER_ROW ->
                        cluster.schedulers.add(
                                new SchedulerModel(id, rs.getString(3), rs.getInt(4) != 0, rs.getLong(5)));
                    case CHANGE_SOURCE_ROW ->
                        cluster.changeSources.add(new ChangeSourceModel(id, rs.getString(3), rs.getLong(5)));
                    default -> cluster.masterCount = id;
                }
            }
        }
        // In id order, as ClusterState and ClusterPoll promise. The rows come in scan order, mostly
        // sorted already, which the sort goes through in one pass.
        cluster.masters.sort(Comparator.comparingLong(MasterModel::id));
        cluster.schedulers.sort(Comparator.comparingLong(SchedulerModel::id));
        cluster.changeSources.sort(Comparator.comparingLong(ChangeSourceModel::id));
        return cluster;
    }

    /** What one read of the cluster found. */
    private static final class Cluster {
        final List<MasterModel> masters = new ArrayList<>();
        final List<SchedulerModel> schedulers = new ArrayList<>();
        final List<ChangeSourceModel> changeSources = new ArrayList<>();
        long masterCount;
    }

    private static final int MASTER_ROW = 1;
    private static final int SCHEDULER_ROW = 2;
    private static final int CHANGE_SOURCE_ROW = 3;
    private static final int MASTER_COUNT_ROW = 4;

    private static final String CLAIMS = " UNION ALL SELECT " + SCHEDULER_ROW
            + ", s.id, s.name, s.enabled, l.masterid"
            + " FROM scheduler_masters l JOIN schedulers s ON s.id = l.schedulerid"
            + " UNION ALL SELECT " + CHANGE_SOURCE_ROW + ", c.id, c.name, 1, l.masterid"
            + " FROM changesource_masters l JOIN changesources c ON c.id = l.changesourceid";

    /**
     * Masters and claims in one statement (one snapshot): kind, id, name, then active and
     * last_active for a master, enabled and the owner's id for a claimed component. No ORDER BY:
     * the database would sort every master at every poll (SQLite in a temporary b-tree), where
     * sorting rows that mostly come in order costs Java next to nothing; and the kind is a number,
     * not a string made for every row.
     */
    private static final String CLUSTER_STATE =
            "SELECT " + MASTER_ROW + " AS kind, id, name, active, last_active FROM masters" + CLAIMS;

    /**
     * {@link #CLUSTER_STATE} for the active masters and those after an id only, with a row that
     * counts every master (its count in the id column). Where multimaster made the schema, the index
     * on (active, last_active) and the primary key find those rows; on a schema Buildbot made, the
     * database scans the table, but the inactive rows do not leave it.
     */
    private static final String CLUSTER_POLL = "SELECT " + MASTER_ROW
            + " AS kind, id, name, active, last_active FROM masters WHERE active = 1 OR id > ?"
            + " UNION ALL SELECT " + MASTER_COUNT_ROW + ", COUNT(*), '', 0, 0 FROM masters" + CLAIMS;

    @Override
    public CompletableFuture<Instant> databaseNow() {
        return sql.autoCommit("read the database clock", connection -> {
            try (java.sql.Statement statement = connection.createStatement();
                    java.sql.ResultSet rs = statement.executeQuery("SELECT " + dialect.currentEpochMillis())) {
                rs.next();
                return Instant.ofEpochMilli(rs.getLong(1));
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
    public boolean isNewerSchema() {
        return schema.isNewer();
    }

    @Override
    public Optional<String> schemaVersion() {
        return Optional.ofNullable(schema.version());
    }

    @Override
    public Optional<String> schemaVersionFound() {
        return Optional.ofNullable(schema.versionFound());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (laneLock) {
                if (checkInLane != null) {
                    checkInLane.close();
                }
            }
            sql.close();
            dataSource.close();
        }
    }
}
