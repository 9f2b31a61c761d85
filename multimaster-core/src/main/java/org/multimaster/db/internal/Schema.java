package org.multimaster.db.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseUnavailableException;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.MultimasterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What tables a database has, and whose they are.
 *
 * <p>A database with a {@code masters} table but no Flyway history was created by Buildbot (or by
 * another tool of its layout), and one with Buildbot's schema version table ({@code alembic_version},
 * or {@code migrate_version} before Buildbot 3) is managed by Buildbot, even if multimaster created
 * it before {@code buildbot upgrade-master} ran on it: either is used as it is and never migrated.
 * Any other database holds multimaster's own schema, which Flyway creates and upgrades.
 */
final class Schema {

    private static final Logger log = LoggerFactory.getLogger(Schema.class);

    static final String HISTORY_TABLE = "flyway_schema_history";

    /** How long a migration that failed beside another process's waits for that process's first row. */
    private static final Duration OTHERS_MIGRATION_WAIT = Duration.ofSeconds(30);

    private final Set<String> tables;
    private final boolean buildbot;
    private final @Nullable String version;
    private final @Nullable String versionFound;
    private final boolean newer;

    private Schema(
            Set<String> tables,
            boolean buildbot,
            @Nullable String version,
            @Nullable String versionFound,
            boolean newer) {
        this.tables = Set.copyOf(tables);
        this.buildbot = buildbot;
        this.version = version;
        this.versionFound = versionFound;
        this.newer = newer;
    }

    /**
     * Reads the schema, creating or upgrading multimaster's own schema when {@code migrationPool} is
     * given. Migrations run on that separate, short-lived pool because Flyway holds one connection for
     * its lock while it migrates on another, which a pool of one would never hand out.
     */
    static Schema prepare(
            DataSource dataSource, Dialect dialect, DatabaseUrl url, @Nullable Supplier<HikariDataSource> migrationPool)
            throws SQLException {
        Set<String> tables = readTables(dataSource);
        boolean buildbot = tables.contains("masters")
                && (!tables.contains(HISTORY_TABLE)
                        || tables.contains("alembic_version")
                        || tables.contains("migrate_version"));
        List<String> applied = buildbot ? List.of() : readAppliedVersions(dataSource, tables);
        @Nullable String found = newest(applied);
        if (!buildbot && migrationPool != null && !isCurrent(dialect, tables, applied)) {
            try (HikariDataSource pool = migrationPool.get()) {
                migrateBesideOthers(pool, dataSource, dialect, url);
            }
            tables = readTables(dataSource);
            applied = readAppliedVersions(dataSource, tables);
        }
        if (!tables.contains("masters")) {
            throw new MultimasterException("database " + url
                    + " has no masters table; run 'multimaster upgrade --db URL' to create the schema");
        }
        @Nullable String version = newest(applied);
        if (version != null && !version.equals(found)) {
            if (found == null) {
                log.info("created multimaster's schema (version {}) in {}", version, url);
            } else {
                log.info("upgraded multimaster's schema of {} from version {} to {}", url, found, version);
            }
        }
        boolean newer = version != null
                && MigrationVersion.fromVersion(version)
                        .isNewerThan(MigrationVersion.fromVersion(dialect.latestMigration()));
        if (newer) {
            log.warn(
                    "database {} has multimaster's schema at version {}, newer than this multimaster's ({}): a newer"
                            + " multimaster upgraded it. This one uses it as it is and leaves it so; upgrade multimaster"
                            + " here to match",
                    url,
                    version,
                    dialect.latestMigration());
        }
        return new Schema(tables, buildbot, version, found, newer);
    }

    /** Whether the table exists (names compared in lower case). */
    boolean has(String table) {
        return tables.contains(table);
    }

    boolean isBuildbot() {
        return buildbot;
    }

    /** Whether a newer multimaster than this one has migrated the schema past this one's last migration. */
    boolean isNewer() {
        return newer;
    }

    /** The newest version of multimaster's schema applied, or null for none (Buildbot's schema). */
    @Nullable
    String version() {
        return version;
    }

    /** The newest version applied when the schema was first read, before any migration; null for none. */
    @Nullable
    String versionFound() {
        return versionFound;
    }

    /**
     * The versions that multimaster's history records as applied successfully, read with a plain
     * query; none without a history table.
     */
    private static List<String> readAppliedVersions(DataSource dataSource, Set<String> tables) throws SQLException {
        if (!tables.contains(HISTORY_TABLE)) {
            return List.of();
        }
        List<String> versions = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT version, success FROM " + HISTORY_TABLE)) {
            while (rs.next()) {
                String version = rs.getString(1);
                if (version != null && rs.getBoolean(2)) {
                    versions.add(version);
                }
            }
        }
        return versions;
    }

    /** The newest of the applied versions that Flyway can read, or null for none. */
    private static @Nullable String newest(List<String> applied) {
        @Nullable MigrationVersion newest = null;
        for (String version : applied) {
            MigrationVersion one;
            try {
                one = MigrationVersion.fromVersion(version);
            } catch (FlywayException e) {
                continue; // not a version Flyway wrote: not ours to judge
            }
            if (newest == null || one.isNewerThan(newest)) {
                newest = one;
            }
        }
        return newest == null ? null : newest.getVersion();
    }

    /**
     * Whether multimaster's schema is at the dialect's {@link Dialect#latestMigration() last
     * migration}, read with plain queries: Flyway takes a lock even when it has nothing to do, and
     * would run its checks in a write transaction, which a locked SQLite file refuses. A test checks
     * each dialect's version against its migration files.
     */
    private static boolean isCurrent(Dialect dialect, Set<String> tables, List<String> applied) {
        return tables.contains("masters") && applied.contains(dialect.latestMigration());
    }

    /**
     * Migrates, also when other processes create the same schema at the same moment (masters started
     * together on a new database): Flyway can then see another's history table before its first row
     * and refuse to baseline it. Once the other has written its rows, migrating again waits on
     * Flyway's lock and finds the work done. A failure with no history table, or whose history table
     * stays empty for {@link #OTHERS_MIGRATION_WAIT}, is not such a race and is reported as it is.
     */
    private static void migrateBesideOthers(DataSource migrations, DataSource reads, Dialect dialect, DatabaseUrl url)
            throws SQLException {
        long deadline = System.nanoTime() + OTHERS_MIGRATION_WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                migrate(migrations, dialect, url);
                return;
            } catch (DatabaseUnavailableException e) {
                throw e;
            } catch (MultimasterException e) {
                if (attempt == 3 || failedForAReasonOfItsOwn(e, url) || !awaitHistoryRows(reads, deadline)) {
                    throw e;
                }
                log.debug("another process is creating the schema of {} ({}); migrating again", url, e.getMessage());
            }
        }
    }

    /**
     * Whether the migration failed for a reason the user must mend (a damaged file, a full disk, a
     * server that takes no writes): not another process's doing, and no wait mends it.
     */
    private static boolean failedForAReasonOfItsOwn(Throwable e, DatabaseUrl url) {
        SQLException cause = sqlCause(e);
        return cause != null && SqlExecutor.advice(cause, url) != null;
    }

    /** Waits until the history table has a row; false at once if there is no history table. */
    private static boolean awaitHistoryRows(DataSource dataSource, long deadlineNanos) throws SQLException {
        if (!readTables(dataSource).contains(HISTORY_TABLE)) {
            return false;
        }
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            while (true) {
                try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + HISTORY_TABLE)) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return true;
                    }
                }
                if (System.nanoTime() > deadlineNanos) {
                    return false;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private static void migrate(DataSource dataSource, Dialect dialect, DatabaseUrl url) {
        long start = System.nanoTime();
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(dialect.migrationLocation())
                    .table(HISTORY_TABLE)
                    // A database holding other applications' tables gets our tables beside them.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    // An upgrade that fails half-way leaves the schema as it found it where the database can.
                    .group(dialect.hasTransactionalDdl())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            // Flyway's message spans several lines (SQL state, error code, the statement); the cause
            // says it in one, and the whole of it is at debug level.
            log.debug("migration of {} failed", url, e);
            String message = "cannot create or upgrade the schema of " + url + ": ";
            SQLException cause = sqlCause(e);
            if (cause != null && SqlErrors.isLockWaitExhausted(cause)) {
                throw new DatabaseUnavailableException(
                        message + SqlExecutor.lockedMessage(url.kind(), Duration.ofNanos(System.nanoTime() - start)),
                        e);
            }
            String advice = cause != null ? SqlExecutor.advice(cause, url) : null;
            String detail = cause != null
                    ? SqlExecutor.describe(cause, url) + (advice != null ? "; " + advice : "")
                    : url.hidePasswordIn(
                            String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            throw cause != null && SqlErrors.isConnectionFailure(cause)
                    ? new DatabaseUnavailableException(message + detail, e)
                    : new MultimasterException(message + detail, e);
        }
    }

    private static @Nullable SQLException sqlCause(Throwable e) {
        for (Throwable x = e; x != null; x = x.getCause()) {
            if (x instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static Set<String> readTables(DataSource dataSource) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            String catalog = connection.getCatalog();
            String schema = connection.getSchema();
            try (ResultSet rs = meta.getTables(catalog, schema, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }
}
