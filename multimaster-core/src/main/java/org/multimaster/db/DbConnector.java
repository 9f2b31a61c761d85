package org.multimaster.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.internal.JdbcDbConnector;

/**
 * An open connection pool on a Buildbot-compatible database, and the entry point to its
 * connectors.
 *
 * <p>Opening a database that has no tables yet creates multimaster's schema (Buildbot's table
 * layout) through versioned migrations; a database that Buildbot created is detected and used as
 * it is, with nothing of Buildbot's altered or dropped.
 *
 * <p>Thread-safe. {@link #close()} is idempotent.
 */
public interface DbConnector extends AutoCloseable {

    /**
     * Opens a database with the default settings.
     *
     * @param url a JDBC URL or a Buildbot {@code db_url}; see {@link DatabaseUrl}
     * @return the open connector
     * @throws IllegalArgumentException if the URL is malformed
     * @throws UnsupportedDatabaseException if the URL names an unsupported database
     * @throws DatabaseUnavailableException if the database cannot be reached
     * @throws MultimasterException if the schema cannot be read or created
     */
    static DbConnector open(String url) {
        return builder().url(url).open();
    }

    /**
     * Checks, without touching any database, that a database of this kind can store {@code name} as
     * the name of a master, scheduler or change source, as registering it would check: present, not
     * blank, Unicode text (without NUL on PostgreSQL), and within the name column's size. A daemon
     * checks its names with it before it writes anything.
     *
     * @param what what the name names, for the message, e.g. {@code "scheduler"}
     * @throws IllegalArgumentException saying what is wrong with the name (never repeating a long one)
     */
    static void requireStorableName(DatabaseKind kind, String what, String name) {
        JdbcDbConnector.requireStorableName(Objects.requireNonNull(kind, "kind"), what, name);
    }

    /** Returns a builder for a connector with non-default settings. */
    static Builder builder() {
        return new Builder();
    }

    /** The masters connector. */
    MastersConnector masters();

    /** The schedulers connector. */
    SchedulersConnector schedulers();

    /** The change sources connector. */
    ChangeSourcesConnector changeSources();

    /**
     * The masters connector on a lane reserved for check-ins: a database thread and a connection of
     * its own, so that a check-in never waits behind other work on this connector (queries, claims,
     * expiry sweeps, an HTTP API). Its calls run one at a time, in the order they were made. Opened
     * on first use; closed with the connector.
     *
     * @throws MultimasterException if the connector is closed, or its connection cannot be opened
     */
    MastersConnector checkIns();

    /** Where "now" comes from for check-ins and expiry. */
    TimeSource timeSource();

    /**
     * Reads every master and every claim in one statement (see {@link ClusterState}): the cheap
     * query a watcher repeats to see what other processes changed.
     */
    CompletableFuture<ClusterState> clusterState();

    /**
     * Reads, in one statement, the active masters, those with an id above {@code afterId}, every
     * claim and how many masters there are (see {@link ClusterPoll}): what a watcher that knows the
     * cluster up to master {@code afterId} reads at each poll, in time that grows with the active
     * masters and the claims, not with every master the table holds.
     *
     * @param afterId the highest master id the caller knows; 0 for none
     */
    CompletableFuture<ClusterPoll> clusterPoll(long afterId);

    /**
     * Reads the database server's current time, to the millisecond where the database has it (SQLite
     * and PostgreSQL, MariaDB from 5.6), e.g. to measure clock skew.
     */
    CompletableFuture<Instant> databaseNow();

    /** The database this connector is open on (prints without password). */
    DatabaseUrl url();

    /** The clock that supplies "now" to every write. */
    Clock clock();

    /** Whether the tables were created by Buildbot rather than by multimaster's migrations. */
    boolean isBuildbotSchema();

    /**
     * Whether a newer multimaster has migrated the schema past the last migration this one knows
     * (logged as a warning when the connector opens); this connector uses it as it is.
     */
    boolean isNewerSchema();

    /**
     * The version of multimaster's schema: the newest of its migrations applied, e.g. {@code "3"};
     * empty on a schema that Buildbot created.
     */
    Optional<String> schemaVersion();

    /**
     * The version of multimaster's schema as this connector found it, before it created or upgraded
     * it: empty if the database had none (or has Buildbot's schema); the same as {@link
     * #schemaVersion()} when opening changed nothing.
     */
    Optional<String> schemaVersionFound();

    /** Closes the pool and the database executor; pending operations complete exceptionally. */
    @Override
    void close();

    /**
     * Configures and opens a {@link DbConnector}. Not thread-safe.
     */
    final class Builder {

        /** Default number of pooled connections and database threads. */
        public static final int DEFAULT_POOL_SIZE = 4;

        /** The most pooled connections (and database threads) one connector may have. */
        public static final int MAX_POOL_SIZE = 1000;

        private String url = DatabaseUrl.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private int poolSize = DEFAULT_POOL_SIZE;
        private Duration connectionTimeout = Duration.ofSeconds(10);
        private Duration busyTimeout = Duration.ofSeconds(10);
        private boolean migrate = true;
        private TimeSource timeSource = TimeSource.APPLICATION;
        private String poolName = "multimaster";
        private @Nullable Object metricRegistry;

        private Builder() {}

        /** Sets the database URL; default {@value DatabaseUrl#DEFAULT}. */
        public Builder url(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /** Sets the clock that supplies "now"; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the number of pooled connections, which is also the number of database threads;
         * default {@value #DEFAULT_POOL_SIZE}, at most {@value #MAX_POOL_SIZE}.
         */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
                throw new IllegalArgumentException("pool size " + poolSize + " must be between 1 and " + MAX_POOL_SIZE);
            }
            this.poolSize = poolSize;
            return this;
        }

        /** Sets how long to wait for a connection before failing; default 10 s. */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = positive(timeout, "connection timeout");
            return this;
        }

        /**
         * Sets how long a statement waits for another process's lock before failing with "database
         * is locked"; default 10 s. SQLite's {@code busy_timeout}, PostgreSQL's {@code lock_timeout},
         * MySQL's and MariaDB's lock wait timeouts (in whole seconds); settings of the URL's own
         * ({@code busy_timeout}, {@code options}, {@code sessionVariables}) win.
         */
        public Builder busyTimeout(Duration timeout) {
            this.busyTimeout = positive(timeout, "busy timeout");
            return this;
        }

        /** Sets where "now" comes from; default {@link TimeSource#APPLICATION}, the clock. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /** Names the connection pool (threads, logs and pool metrics carry it); default {@code multimaster}. */
        public Builder poolName(String poolName) {
            Objects.requireNonNull(poolName, "poolName");
            if (poolName.isBlank()) {
                throw new IllegalArgumentException("pool name must not be blank");
            }
            this.poolName = poolName;
            return this;
        }

        /**
         * Records the connection pool's metrics (HikariCP's own: connections active, idle, pending,
         * acquire and usage times) in a Micrometer {@code MeterRegistry}, tagged with the pool name.
         * Typed {@code Object}, as HikariCP types it, so that the core does not need Micrometer.
         *
         * @param registry an {@code io.micrometer.core.instrument.MeterRegistry}
         */
        public Builder metricRegistry(Object registry) {
            this.metricRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets whether opening creates or upgrades multimaster's own schema (default true). When
         * false, a database without a {@code masters} table is refused.
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * Opens the connector.
         *
         * @return the open connector
         * @throws IllegalArgumentException if the URL is malformed
         * @throws UnsupportedDatabaseException if the URL names an unsupported database
         * @throws DatabaseUnavailableException if the database cannot be reached
         * @throws MultimasterException if the schema cannot be read or created
         */
        public DbConnector open() {
            return JdbcDbConnector.open(new JdbcDbConnector.Settings(
                    DatabaseUrl.parse(url),
                    clock,
                    timeSource,
                    poolSize,
                    connectionTimeout,
                    busyTimeout,
                    migrate,
                    poolName,
                    metricRegistry));
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + " " + d + " must be positive and below 24 days");
            }
            return d;
        }
    }
}
