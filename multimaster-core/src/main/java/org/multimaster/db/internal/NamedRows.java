package org.multimaster.db.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.MultimasterException;

/**
 * Find-or-register of a row identified by a name through its {@code name_hash} (masters,
 * schedulers, change sources), safe under races between threads and processes:
 *
 * <ol>
 *   <li>look the name up by its SHA-1 in {@code name_hash} (unique index);
 *   <li>if absent, insert it;
 *   <li>if the insert hits the unique index, someone registered the name first: look it up again.
 * </ol>
 *
 * Runs with auto-commit, so the second lookup sees the winner's committed row on every database.
 */
final class NamedRows {

    /** Binds the values of a table's extra columns, starting at {@code index}. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement, int index) throws SQLException;
    }

    private NamedRows() {}

    /**
     * Checks a name before any SQL runs: present, not blank, text the database can store (Unicode,
     * and without NUL on PostgreSQL), and not longer than the database's name column holds (the
     * message gives the limit, never the name).
     */
    static void requireName(@Nullable String name, String what, Dialect dialect) {
        Objects.requireNonNull(name, what + " name");
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be blank");
        }
        OptionalInt surrogate = unpairedSurrogate(name);
        if (surrogate.isPresent()) {
            // UTF-8 has no code for it: a driver would store '?' instead, the name of another master.
            throw new IllegalArgumentException(what + " name " + quoted(name) + " holds an unpaired surrogate ("
                    + escape(surrogate.getAsInt())
                    + "), which no database can store as text; use a name of Unicode characters");
        }
        if (!dialect.textHoldsNul() && name.indexOf('\0') >= 0) {
            // Only PostgreSQL's text cannot hold it.
            throw new IllegalArgumentException(what + " name " + quoted(name)
                    + " holds the NUL character (\\0), which PostgreSQL cannot store; use a name without it");
        }
        long bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > dialect.maxNameBytes()) {
            throw new IllegalArgumentException(what + " name of " + name.length() + " characters (" + bytes
                    + " bytes in UTF-8) is too long: this database stores names of at most " + dialect.maxNameBytes()
                    + " bytes; use a shorter name");
        }
    }

    /** The name quoted for a message, shortened when long: an error must not repeat a huge name. */
    static String quoted(String name) {
        String shown = name.length() <= 100 ? name : name.substring(0, 60);
        StringBuilder out = new StringBuilder("'");
        // A NUL would end the message in a C string; an unpaired surrogate would print as '?'.
        shown.codePoints().forEach(c -> out.append(c == 0 || isSurrogate(c) ? escape(c) : Character.toString(c)));
        out.append(name.length() <= 100 ? "'" : "…' (" + name.length() + " characters)");
        return out.toString();
    }

    /** The first UTF-16 surrogate of {@code text} that is not half of a pair, if any. */
    static OptionalInt unpairedSurrogate(String text) {
        return text.codePoints().filter(NamedRows::isSurrogate).findFirst();
    }

    private static boolean isSurrogate(int codePoint) {
        return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
    }

    static String escape(int codePoint) {
        return codePoint == 0 ? "\\0" : String.format(Locale.ROOT, "\\u%04x", codePoint);
    }

    /**
     * Returns the id of the row named {@code name} in {@code table}, inserting it first if needed.
     *
     * @param extraColumns further columns to insert, e.g. {@code ", active, last_active"}
     * @param extraValues their placeholders, e.g. {@code ", 0, ?"}
     */
    static long findOrInsert(
            Connection connection, String table, String name, String extraColumns, String extraValues, Binder extra)
            throws SQLException {
        String hash = NameHash.of(name);
        Long id = selectId(connection, table, hash);
        if (id != null) {
            return id;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " (name, name_hash" + extraColumns + ") VALUES (?, ?" + extraValues + ")",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, name);
            insert.setString(2, hash);
            extra.bind(insert, 3);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (keys.next()) {
                    return keys.getLong(1);
                }
            }
        } catch (SQLException e) {
            if (!SqlErrors.isDuplicateKey(e)) {
                throw e;
            }
            // Another thread or process registered the same name between our SELECT and INSERT.
            Long winner = selectId(connection, table, hash);
            if (winner == null) {
                throw e;
            }
            return winner;
        }
        Long inserted = selectId(connection, table, hash);
        if (inserted == null) {
            throw new MultimasterException(table + " row '" + name + "' was inserted but cannot be read back");
        }
        return inserted;
    }

    private static @Nullable Long selectId(Connection connection, String table, String hash) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT id FROM " + table + " WHERE name_hash = ?")) {
            select.setString(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }
}
