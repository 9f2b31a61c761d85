package org.multimaster.db.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseKind;

/**
 * The SQL that differs between databases. The base class holds the portable SQL; each subclass
 * overrides only what its database does differently. No other class switches on the database.
 */
abstract class Dialect {

    static Dialect of(DatabaseKind kind) {
        return switch (kind) {
            case SQLITE -> new SqliteDialect();
            case POSTGRESQL -> new PostgresDialect();
            case MYSQL -> new MySqlDialect();
        };
    }

    /** The Flyway location of this database's migrations. */
    abstract String migrationLocation();

    /**
     * The version of the last migration in {@link #migrationLocation()}: a schema whose history
     * records it is current.
     */
    abstract String latestMigration();

    /**
     * Whether this database rolls back schema changes with the transaction that made them, so that
     * the pending migrations can be applied as one: all of them, or none when one fails. MySQL and
     * MariaDB commit each schema change at once.
     */
    boolean hasTransactionalDdl() {
        return true;
    }

    /**
     * Starts a write transaction on a pooled connection that is in auto-commit mode. When it throws,
     * no transaction is open and the connection is as it was.
     */
    void begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
    }

    /** Commits the transaction {@link #begin} started; when it throws, the transaction is still open. */
    void commit(Connection connection) throws SQLException {
        connection.commit();
    }

    /** Rolls back the transaction {@link #begin} started. */
    void rollback(Connection connection) throws SQLException {
        connection.rollback();
    }

    /**
     * The suffix that locks the selected rows until the transaction ends. SQLite has none: its
     * write transactions start {@code IMMEDIATE}, which already excludes every other writer.
     */
    String forUpdate() {
        return " FOR UPDATE";
    }

    /**
     * An expression that compares and sorts a text column (or a {@code ?} parameter) by its bytes,
     * so that order and comparisons agree on every database whatever the collation.
     */
    String binaryText(String expression) {
        return expression;
    }

    /**
     * Whether text columns and parameters can hold the NUL character (U+0000). PostgreSQL's cannot:
     * it refuses such a parameter with an error, so no stored text holds one.
     */
    boolean textHoldsNul() {
        return true;
    }

    /** The most bytes (UTF-8) a name column of Buildbot's tables holds. */
    long maxNameBytes() {
        return Long.MAX_VALUE;
    }

    /**
     * Where the database sorts strings by their first bytes only and calls the rest a tie, the
     * expression of that number of bytes in this session; empty where it sorts whole strings.
     */
    Optional<String> sortedStringBytes() {
        return Optional.empty();
    }

    /**
     * Makes the session sort strings by their first {@code bytes} bytes; see {@link #sortedStringBytes}.
     *
     * @throws UnsupportedOperationException where the database sorts whole strings
     */
    void setSortedStringBytes(Connection connection, long bytes) throws SQLException {
        throw new UnsupportedOperationException("this database sorts whole strings");
    }

    /**
     * The one statement that checks the master {@code ?} in ({@code active = 1}, {@code last_active =
     * now}) and returns one row holding the {@code active} value it had before, none if the master
     * is missing; exactly one of several concurrent callers may read 0. Empty where the database
     * cannot return a row's previous values.
     *
     * @param now the SQL for "now"; a {@code ?} in it comes before the master id's
     */
    Optional<String> checkInReturningPreviousState(String now) {
        return Optional.empty();
    }

    /**
     * Whether one statement can run several data-modifying statements in {@code WITH} clauses,
     * all on the snapshot taken when it starts.
     */
    boolean hasDataModifyingCtes() {
        return false;
    }

    /** An expression for the database server's current time in whole epoch seconds. */
    abstract String currentEpochSeconds();

    /** An expression for the database server's current time in epoch milliseconds, for skew checks. */
    abstract String currentEpochMillis();

    /** A condition that is true when the parameter {@code ?} is a substring of the column, case-sensitively. */
    abstract String containsParameter(String column);

    /**
     * The paging clause for the given limit and offset: the limit written as a number, the offset one
     * {@code ?}.
     *
     * <p>A literal limit lets PostgreSQL plan a page once for every call of the same shape: bound as a
     * parameter, the limit is unknown to the plan made for any value, which PostgreSQL then costs as a
     * tenth of the table and never prefers to planning each call anew (70-92 µs of the bench's filtered
     * page's 280-310 µs on the server; 13 µs with a number). Page sizes are few; offsets are many, and
     * stay parameters.
     *
     * @param limit the limit, not negative (absolute paging, see {@link SpecQuery#of}), or null for none
     */
    String paging(@Nullable Long limit, boolean hasOffset) {
        return (limit != null ? " LIMIT " + limit : "") + (hasOffset ? " OFFSET ?" : "");
    }

    static final class SqliteDialect extends Dialect {
        @Override
        String migrationLocation() {
            return "classpath:org/multimaster/db/migration/sqlite";
        }

        @Override
        String latestMigration() {
            return "3";
        }

        // sqlite-jdbc cannot be left to manage transactions: its setAutoCommit(false) marks the
        // connection manual-commit before it runs BEGIN, so a BEGIN that fails (SQLITE_BUSY after the
        // busy timeout) leaves the pooled connection marked so without a transaction, and the next
        // transaction on it runs every statement on its own, outside any transaction. Its commit()
        // also runs the next BEGIN at once, which can fail after the COMMIT succeeded. Plain statements
        // on a connection that stays in auto-commit mode have neither problem: a failed BEGIN leaves
        // no transaction, and a failed COMMIT leaves the transaction open for the ROLLBACK.

        @Override
        void begin(Connection connection) throws SQLException {
            // IMMEDIATE takes the write lock at once, so two read-then-write transactions cannot
            // deadlock on a lock upgrade, and a busy database fails here, before anything is read.
            execute(connection, "BEGIN IMMEDIATE");
        }

        @Override
        void commit(Connection connection) throws SQLException {
            execute(connection, "COMMIT");
        }

        @Override
        void rollback(Connection connection) throws SQLException {
            execute(connection, "ROLLBACK");
        }

        private static void execute(Connection connection, String sql) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }

        @Override
        String forUpdate() {
            return "";
        }

        @Override
        String currentEpochSeconds() {
            return "CAST(strftime('%s', 'now') AS INTEGER)";
        }

        @Override
        String currentEpochMillis() {
            return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
        }

        @Override
        String containsParameter(String column) {
            // LIKE is case-insensitive for ASCII in SQLite; instr compares exactly.
            return "instr(" + column + ", ?) > 0";
        }

        @Override
        String paging(@Nullable Long limit, boolean hasOffset) {
            // SQLite accepts OFFSET only after a LIMIT; -1 means no limit.
            if (hasOffset && limit == null) {
                return " LIMIT -1 OFFSET ?";
            }
            return super.paging(limit, hasOffset);
        }
    }

    static final class PostgresDialect extends Dialect {
        @Override
        String migrationLocation() {
            return "classpath:org/multimaster/db/migration/postgresql";
        }

        @Override
        String latestMigration() {
            return "3";
        }

        @Override
        Optional<String> checkInReturningPreviousState(String now) {
            // RETURNING shows the new row; the joined subquery shows the old one. Its FOR UPDATE is what
            // keeps exactly-once: in READ COMMITTED a second caller waits for the first one's row lock
            // and then reads the row as the first one left it (active = 1), not its own older snapshot.
            return Optional.of("UPDATE masters SET active = 1, last_active = " + now
                    + " FROM (SELECT id, active FROM masters WHERE id = ? FOR UPDATE) AS previous"
                    + " WHERE masters.id = previous.id RETURNING previous.active");
        }

        @Override
        boolean hasDataModifyingCtes() {
            return true;
        }

        @Override
        boolean textHoldsNul() {
            return false;
        }

        @Override
        String binaryText(String expression) {
            return expression + " COLLATE \"C\"";
        }

        @Override
        String containsParameter(String column) {
            return "strpos(" + column + ", ?) > 0";
        }

        @Override
        String currentEpochSeconds() {
            // statement_timestamp(), not now(): now() is frozen at the start of the transaction. And not
            // clock_timestamp(): it is volatile, so the planner could not use it in an index range.
            return "CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp())) AS BIGINT)";
        }

        @Override
        String currentEpochMillis() {
            return "CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000) AS BIGINT)";
        }
    }

    static final class MySqlDialect extends Dialect {
        @Override
        String migrationLocation() {
            return "classpath:org/multimaster/db/migration/mysql";
        }

        @Override
        String latestMigration() {
            return "2";
        }

        @Override
        boolean hasTransactionalDdl() {
            return false;
        }

        @Override
        String binaryText(String expression) {
            // The default collations are case-insensitive; Buildbot-created tables may use utf8mb3,
            // so cast rather than naming a collation the table's character set may not have.
            return "CAST(" + expression + " AS BINARY)";
        }

        @Override
        String containsParameter(String column) {
            return "INSTR(" + binaryText(column) + ", " + binaryText("?") + ") > 0";
        }

        @Override
        long maxNameBytes() {
            // Buildbot's name columns are TEXT, which MySQL and MariaDB cap at 64 KiB.
            return 65_535;
        }

        @Override
        Optional<String> sortedStringBytes() {
            // 1,024 by default: two names that share their first kilobyte sort as equals.
            return Optional.of("@@max_sort_length");
        }

        @Override
        void setSortedStringBytes(Connection connection, long bytes) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION max_sort_length = " + bytes);
            }
        }

        @Override
        String currentEpochSeconds() {
            return "UNIX_TIMESTAMP()";
        }

        @Override
        String currentEpochMillis() {
            return "CAST(FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) AS SIGNED)";
        }

        @Override
        String paging(@Nullable Long limit, boolean hasOffset) {
            // MySQL accepts OFFSET only after a LIMIT; this is its documented "no limit" value.
            if (hasOffset && limit == null) {
                return " LIMIT 18446744073709551615 OFFSET ?";
            }
            return super.paging(limit, hasOffset);
        }
    }
}
