package org.multimaster.bench;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DatabaseUrl;

/**
 * The bare JDBC floor: the fewest statements that do the same work as each connector method,
 * through plain JDBC on one auto-commit connection per calling thread, with no pool, executor or
 * framework. Each call prepares its statement, as the connector does (the drivers cache them).
 *
 * <p>Thread-safe: each batch runs on a connection of its own, taken from the idle ones (or opened)
 * and given back when the batch ends, so concurrent batches never share one and the number of
 * connections never exceeds the number of concurrent callers.
 */
final class FloorSide implements Side {

    private static final String COLUMNS = "id, name, active, last_active";

    private final DatabaseUrl url;
    private final Clock clock;
    private final List<Connection> opened = new CopyOnWriteArrayList<>();
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final List<String> linkTables;
    private final String unreferenced;

    FloorSide(DatabaseUrl url, Clock clock) throws SQLException {
        this.url = url;
        this.clock = clock;
        Connection first = borrow();
        Set<String> tables;
        try {
            tables = tables(first);
        } finally {
            idle.push(first);
        }
        // The same link tables as the connector deletes from, children first.
        List<String> links = new ArrayList<>();
        if (tables.contains("configured_workers") && tables.contains("builder_masters")) {
            links.add(
                    "configured_workers WHERE buildermasterid IN (SELECT id FROM builder_masters WHERE masterid = ?)");
        }
        for (String table : List.of(
                "builder_masters",
                "connected_workers",
                "buildrequest_claims",
                "scheduler_masters",
                "changesource_masters")) {
            if (tables.contains(table)) {
                links.add(table + " WHERE masterid = ?");
            }
        }
        this.linkTables = List.copyOf(links);
        this.unreferenced = List.of(
                        "builds",
                        "builder_masters",
                        "connected_workers",
                        "buildrequest_claims",
                        "scheduler_masters",
                        "changesource_masters")
                .stream()
                .filter(tables::contains)
                .map(t -> " AND NOT EXISTS (SELECT 1 FROM " + t + " WHERE " + t + ".masterid = masters.id)")
                .collect(Collectors.joining());
    }

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public long[] run(Workload.Batch batch) throws Exception {
        Connection c = borrow();
        try {
            return timeEach(c, batch);
        } finally {
            idle.push(c);
        }
    }

    private long[] timeEach(Connection c, Workload.Batch batch) throws Exception {
        return Side.timeEach(batch, (op, id, name) -> {
            switch (op) {
                case FIND_EXISTING -> selectId(c, Workload.sha1(name));
                case FIND_NEW -> register(c, name);
                case CHECK_IN, ACTIVATE -> checkIn(c, id);
                case DEACTIVATE -> deactivate(c, id);
                case GET_MASTER -> query(c, "SELECT " + COLUMNS + " FROM masters WHERE id = ?", id);
                case GET_MASTERS -> query(c, "SELECT " + COLUMNS + " FROM masters ORDER BY id");
                // The page and its total in one statement, the total counted in a scalar subquery so
                // that the page can stop after 50 rows of an index.
                case PAGE_ACTIVE ->
                    query(
                            c,
                            "SELECT " + COLUMNS + ", (SELECT COUNT(*) FROM masters WHERE active = ?) FROM masters"
                                    + " WHERE active = ? ORDER BY last_active DESC, id LIMIT 50",
                            1,
                            1);
                case PAGE_BY_NAME ->
                    query(
                            c,
                            "SELECT " + COLUMNS + ", (SELECT COUNT(*) FROM masters) FROM masters ORDER BY "
                                    + binaryName() + ", id LIMIT 50");
                case LONG_AGO -> update(c, "UPDATE masters SET active = 1, last_active = 0");
                case SWEEP ->
                    query(
                            c,
                            "SELECT " + COLUMNS + " FROM masters WHERE active = 1 AND last_active < ? ORDER BY id",
                            now() - ConnectorSide.EXPIRY.toSeconds());
                case PRUNE ->
                    query(
                            c,
                            "SELECT " + COLUMNS + " FROM masters WHERE active = 0 AND last_active < ?" + unreferenced
                                    + " ORDER BY id",
                            now() - ConnectorSide.PRUNE_AFTER.toSeconds());
            }
        });
    }

    private String binaryName() {
        return switch (url.kind()) {
            case SQLITE -> "name";
            case POSTGRESQL -> "name COLLATE \"C\"";
            case MYSQL -> "CAST(name AS BINARY)";
        };
    }

    /** Registration of a new name: one insert that also tells a name taken in the meantime. */
    private void register(Connection c, String name) throws SQLException {
        String hash = Workload.sha1(name);
        String insert = url.kind() == DatabaseKind.MYSQL
                ? "INSERT IGNORE INTO masters (name, name_hash, active, last_active) VALUES (?, ?, 0, ?)"
                : "INSERT INTO masters (name, name_hash, active, last_active) VALUES (?, ?, 0, ?)"
                        + " ON CONFLICT (name_hash) DO NOTHING";
        try (PreparedStatement s = c.prepareStatement(insert, Statement.RETURN_GENERATED_KEYS)) {
            s.setString(1, name);
            s.setString(2, hash);
            s.setLong(3, now());
            if (s.executeUpdate() == 1) {
                try (ResultSet keys = s.getGeneratedKeys()) {
                    if (keys.next()) {
                        return;
                    }
                }
            }
        }
        selectId(c, hash);
    }

    /**
     * A check-in: on PostgreSQL one statement that locks the row, writes it and returns the state it
     * had; elsewhere one conditional UPDATE for an active master, a second one for an inactive one.
     */
    private boolean checkIn(Connection c, long id) throws SQLException {
        long now = now();
        if (url.kind() == DatabaseKind.POSTGRESQL) {
            try (PreparedStatement s = c.prepareStatement("UPDATE masters m SET active = 1, last_active = ? FROM"
                    + " (SELECT id, active FROM masters WHERE id = ? FOR UPDATE) old WHERE m.id = old.id"
                    + " RETURNING old.active")) {
                s.setLong(1, now);
                s.setLong(2, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() && rs.getInt(1) == 0;
                }
            }
        }
        if (update(c, "UPDATE masters SET last_active = ? WHERE id = ? AND active = 1", now, id) == 1) {
            return false;
        }
        return update(c, "UPDATE masters SET active = 1, last_active = ? WHERE id = ? AND active = 0", now, id) == 1;
    }

    /** A deactivation with its link deletes, in one transaction (one statement on PostgreSQL). */
    private boolean deactivate(Connection c, long id) throws SQLException {
        if (url.kind() == DatabaseKind.POSTGRESQL) {
            StringBuilder sql = new StringBuilder("WITH ");
            for (int i = 0; i < linkTables.size(); i++) {
                sql.append("d")
                        .append(i)
                        .append(" AS (DELETE FROM ")
                        .append(linkTables.get(i))
                        .append("), ");
            }
            sql.append("x AS (SELECT 1) UPDATE masters SET active = 0 WHERE id = ? AND active <> 0");
            Object[] ids = new Object[linkTables.size() + 1];
            java.util.Arrays.fill(ids, id);
            return update(c, sql.toString(), ids) == 1;
        }
        c.setAutoCommit(false);
        try {
            for (String link : linkTables) {
                update(c, "DELETE FROM " + link, id);
            }
            boolean changed = update(c, "UPDATE masters SET active = 0 WHERE id = ? AND active <> 0", id) == 1;
            c.commit();
            return changed;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void selectId(Connection c, String hash) throws SQLException {
        query(c, "SELECT id FROM masters WHERE name_hash = ?", hash);
    }

    private static int query(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            // Every column of every row is read and converted, as the connector does into its models.
            int rows = 0;
            try (ResultSet rs = s.executeQuery()) {
                boolean masters = rs.getMetaData().getColumnCount() >= 4;
                while (rs.next()) {
                    rs.getLong(1);
                    if (masters) {
                        rs.getString(2);
                        rs.getInt(3);
                        var unused = Instant.ofEpochSecond(rs.getLong(4));
                    }
                    rows++;
                }
            }
            return rows;
        }
    }

    private static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, parameters);
            return s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            s.setObject(i + 1, parameters[i]);
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private Connection borrow() throws SQLException {
        Connection c = idle.poll();
        if (c == null) {
            c = Workload.connect(url);
            opened.add(c);
        }
        return c;
    }

    private static Set<String> tables(Connection c) throws SQLException {
        Set<String> names = new HashSet<>();
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : opened) {
            c.close();
        }
    }
}
