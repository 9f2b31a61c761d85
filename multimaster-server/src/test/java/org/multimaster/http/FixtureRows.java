package org.multimaster.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;

/** Rows written behind the connectors' backs, with fixed ids and times, for exact answers. */
public final class FixtureRows {

    private final Connection connection;

    /** @param connection where the rows go; the caller closes it */
    public FixtureRows(Connection connection) {
        this.connection = connection;
    }

    /** A master with this id, name, state and {@code last_active}. */
    public FixtureRows master(long id, String name, boolean active, long lastActive) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO masters (id, name, name_hash, active, last_active) VALUES (?, ?, ?, ?, ?)")) {
            s.setLong(1, id);
            s.setString(2, name);
            s.setString(3, sha1(name));
            s.setInt(4, active ? 1 : 0);
            s.setLong(5, lastActive);
            s.executeUpdate();
        }
        return this;
    }

    /** A scheduler, claimed by {@code masterId} unless it is null. */
    public FixtureRows scheduler(long id, String name, boolean enabled, Long masterId) throws SQLException {
        named(
                "INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (?, ?, ?, " + (enabled ? 1 : 0) + ")",
                id,
                name);
        if (masterId != null) {
            link("INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (?, ?)", id, masterId);
        }
        return this;
    }

    /** A change source, claimed by {@code masterId} unless it is null. */
    public FixtureRows changeSource(long id, String name, Long masterId) throws SQLException {
        named("INSERT INTO changesources (id, name, name_hash) VALUES (?, ?, ?)", id, name);
        if (masterId != null) {
            link("INSERT INTO changesource_masters (changesourceid, masterid) VALUES (?, ?)", id, masterId);
        }
        return this;
    }

    private void named(String sql, long id, String name) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setLong(1, id);
            s.setString(2, name);
            s.setString(3, sha1(name));
            s.executeUpdate();
        }
    }

    private void link(String sql, long id, long masterId) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setLong(1, id);
            s.setLong(2, masterId);
            s.executeUpdate();
        }
    }

    /** The lowercase hex SHA-1 of the name's UTF-8 bytes, as Buildbot's {@code name_hash}. */
    public static String sha1(String name) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
