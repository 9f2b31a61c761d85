package org.multimaster.db.internal;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteException;

/** Classifies driver exceptions; the one place that knows SQLStates and vendor error codes. */
final class SqlErrors {

    private static final int SQLITE_BUSY = 5;
    /** A blocking lock request timed out in the VFS (SQLite's extended code). */
    private static final int SQLITE_BUSY_TIMEOUT = 773;

    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_NOTADB = 26;
    private static final int SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
    private static final int SQLITE_CONSTRAINT_UNIQUE = 2067;
    private static final int MYSQL_DUPLICATE_ENTRY = 1062;
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
    private static final int MYSQL_DEADLOCK = 1213;

    private SqlErrors() {}

    /**
     * A unique or primary key violation, as opposed to another integrity violation such as a
     * foreign key: PostgreSQL's 23505, MySQL's error 1062, SQLite's unique and primary key codes.
     */
    static boolean isDuplicateKey(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String state = x.getSQLState();
            if (isSqlite(x)) {
                int code = sqliteExtendedCode(x);
                if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
                    return true;
                }
            } else if ("23505".equals(state) || x.getErrorCode() == MYSQL_DUPLICATE_ENTRY) {
                return true;
            } else if (state != null && state.startsWith("23") && x.getErrorCode() == 0 && !"23503".equals(state)) {
                // Another driver's unique violation without a vendor code.
                return true;
            }
        }
        return false;
    }

    /**
     * The database gave up waiting for another connection's lock after the connector's busy
     * timeout, so running the work again would only make the caller wait as long again: SQLite's
     * busy handler ran out, PostgreSQL's {@code lock_timeout} (55P03) or MySQL's and MariaDB's lock
     * wait timeouts (1205) expired. Other SQLite busy codes (a WAL recovery, a stale snapshot) come
     * at once and are {@link #isTransient}.
     */
    static boolean isLockWaitExhausted(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("55P03".equals(x.getSQLState()) || x.getErrorCode() == MYSQL_LOCK_WAIT_TIMEOUT) {
                return true;
            }
            if (isSqlite(x)) {
                int code = sqliteExtendedCode(x);
                if (code == SQLITE_BUSY || code == SQLITE_BUSY_TIMEOUT) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A failure that the same transaction may not hit when run again: deadlock, serialization
     * failure, SQLite busy (but not {@link #isLockWaitExhausted}).
     */
    static boolean isTransient(SQLException e) {
        if (isLockWaitExhausted(e)) {
            return false;
        }
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String state = x.getSQLState();
            if (state != null && (state.equals("40001") || state.equals("40P01"))) {
                return true;
            }
            int code = x.getErrorCode();
            if (code == MYSQL_DEADLOCK) {
                return true;
            }
            if (isSqlite(x) && ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLite cannot write the database file or create its journal beside it: SQLITE_READONLY (and
     * its extended codes, such as READONLY_DIRECTORY) or SQLITE_CANTOPEN.
     */
    static boolean isSqliteNotWritable(SQLException e) {
        if (!isSqlite(e)) {
            return false;
        }
        int primary = sqliteExtendedCode(e) & 0xff;
        return primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN;
    }

    /** SQLite opened a file that is not an SQLite database (SQLITE_NOTADB). */
    static boolean isSqliteNotADatabase(SQLException e) {
        return isSqlite(e) && (sqliteExtendedCode(e) & 0xff) == SQLITE_NOTADB;
    }

    /** SQLite found the database file damaged (SQLITE_CORRUPT): "database disk image is malformed". */
    static boolean isSqliteCorrupt(SQLException e) {
        return isSqlite(e) && (sqliteExtendedCode(e) & 0xff) == SQLITE_CORRUPT;
    }

    /** SQLite could not write because the disk is full (SQLITE_FULL): "database or disk is full". */
    static boolean isSqliteFull(SQLException e) {
        return isSqlite(e) && (sqliteExtendedCode(e) & 0xff) == SQLITE_FULL;
    }

    /** The operating system failed a read, write or memory map of SQLite's (SQLITE_IOERR and its extended codes). */
    static boolean isSqliteIoError(SQLException e) {
        return isSqlite(e) && (sqliteExtendedCode(e) & 0xff) == SQLITE_IOERR;
    }

    /**
     * The server refused a write because the session is read-only (SQLState 25006): a PostgreSQL
     * standby, or {@code default_transaction_read_only}, or MariaDB's {@code tx_read_only}.
     */
    static boolean isReadOnlyTransaction(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("25006".equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The database could not be reached or the connection broke. */
    static boolean isConnectionFailure(Throwable e) {
        for (Throwable x = e; x != null; x = x.getCause()) {
            if (x instanceof SQLTransientConnectionException || x instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (x instanceof SQLException sql && startsWith(sql.getSQLState(), "08")) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLite's extended result code. The driver's {@code getErrorCode()} holds only the primary code,
     * which is 19 for every constraint, so a foreign key violation would pass for a duplicate key.
     */
    private static int sqliteExtendedCode(SQLException e) {
        return e instanceof SQLiteException sqlite ? sqlite.getResultCode().code : e.getErrorCode();
    }

    private static boolean isSqlite(SQLException e) {
        return e.getClass().getName().startsWith("org.sqlite.");
    }

    private static boolean startsWith(@Nullable String s, String prefix) {
        return s != null && s.startsWith(prefix);
    }
}
