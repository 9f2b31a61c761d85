package org.multimaster.db.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/** Damages an SQLite file as a failing disk would, for tests of what a user is told. */
public final class SqliteDamage {

    private SqliteDamage() {}

    /**
     * Overwrites the root page of {@code table} with bytes of no page kind, so that SQLite answers a
     * read of the table with SQLITE_CORRUPT while the schema stays readable. The file must have no
     * write-ahead log pending (every connection to it closed).
     */
    public static void breakRootPageOf(Path file, String table) {
        long rootPage;
        long pageSize;
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = sqlite.createStatement()) {
            rootPage = single(
                    statement,
                    "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = '" + table.replace("'", "''")
                            + "'");
            pageSize = single(statement, "PRAGMA page_size");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the layout of " + file, e);
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            Arrays.fill(bytes, Math.toIntExact((rootPage - 1) * pageSize), Math.toIntExact(rootPage * pageSize), (byte)
                    0xff);
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long single(Statement statement, String query) throws SQLException {
        try (ResultSet rows = statement.executeQuery(query)) {
            if (!rows.next()) {
                throw new IllegalArgumentException("no row for " + query);
            }
            return rows.getLong(1);
        }
    }
}
