package org.multimaster.db.internal;

import java.nio.file.Path;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseUrl;

/** The file behind an SQLite URL, and what to do when SQLite fails on it. */
final class SqliteFiles {

    private SqliteFiles() {}

    /** The file of an SQLite URL, absolute. */
    static Path file(DatabaseUrl url) {
        return url.sqliteFile().orElseThrow(() -> new IllegalArgumentException("not an SQLite URL: " + url));
    }

    /**
     * What the user can do about a failure of SQLite's that lies in the file or the disk under it,
     * or null for any other failure. A damaged file cannot be trusted by any master, and the sqlite3
     * shell's .recover copies what can still be read into a new file; a full disk, a failing one, or
     * something other than a file in the place of the -wal or -shm file stops SQLite's reads and
     * writes.
     */
    static @Nullable String advice(SQLException e, DatabaseUrl url) {
        if (SqlErrors.isSqliteCorrupt(e)) {
            return "the file " + file(url) + " is damaged; stop the masters that use it and restore it from a backup"
                    + " (the sqlite3 shell's .recover command copies what can still be read into a new file)";
        }
        if (SqlErrors.isSqliteFull(e)) {
            return "free space on the disk that holds " + directory(url)
                    + " (SQLite writes the database and its -wal and -shm files there), then try again";
        }
        if (SqlErrors.isSqliteIoError(e)) {
            Path file = file(url);
            return "SQLite could not read or write " + file + " or its -wal and -shm files beside it; check that they"
                    + " are plain files and that the disk that holds " + directory(url) + " works and has free space,"
                    + " then try again";
        }
        return null;
    }

    private static Path directory(DatabaseUrl url) {
        Path file = file(url);
        return file.getParent() == null ? file : file.getParent();
    }
}
