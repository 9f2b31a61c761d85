package org.multimaster.db.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.AlreadyClaimedException;
import org.multimaster.db.ListResult;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.ResourceType.FieldType;
import org.multimaster.db.ResultSpec;

/**
 * The claimable components, schedulers and change sources, over JDBC: a named table plus a link
 * table whose primary key is the component id, so at most one master can hold each.
 *
 * <p>Claim ({@link #setMaster} with a master id):
 *
 * <ol>
 *   <li>insert the link row; if that succeeds, the claim is won;
 *   <li>on a primary key violation, read the current owner: if the link has gone meanwhile, start
 *       again; if the owner is the claimant, the claim is a no-op;
 *   <li>if the owner is inactive, move the link to the claimant with an update that only matches
 *       while that same inactive master still owns it, so of several claimants exactly one wins
 *       (the others start again and find the new owner);
 *   <li>otherwise fail with {@link AlreadyClaimedException} naming the owner.
 * </ol>
 *
 * <p>Thread-safe.
 */
final class JdbcComponents {

    /** One row of a component table with its owner. */
    record Row(
            long id, String name, boolean enabled, @Nullable Long masterId) {}

    private static final int MAX_CLAIM_ROUNDS = 5;

    private final SqlExecutor sql;
    private final Dialect dialect;
    private final String label;
    private final String table;
    private final String linkTable;
    private final String idColumn;
    private final String columns;
    private final String join;
    private final List<QueryField> fields;

    JdbcComponents(
            SqlExecutor sql,
            Dialect dialect,
            String label,
            String table,
            String linkTable,
            String idColumn,
            boolean hasEnabled) {
        this.sql = sql;
        this.dialect = dialect;
        this.label = label;
        this.table = table;
        this.linkTable = linkTable;
        this.idColumn = idColumn;
        this.columns = "c.id AS id, c.name AS name, " + (hasEnabled ? "c.enabled" : "1")
                + " AS enabled, l.masterid AS masterid";
        this.join = table + " c LEFT JOIN " + linkTable + " l ON l." + idColumn + " = c.id";
        List<QueryField> queryFields = new ArrayList<>();
        queryFields.add(QueryField.of(idColumn, "c.id", FieldType.INTEGER));
        queryFields.add(new QueryField("name", "c.name", FieldType.STRING, "c.name_hash"));
        if (hasEnabled) {
            queryFields.add(QueryField.of("enabled", "c.enabled", FieldType.BOOLEAN));
        }
        queryFields.add(QueryField.of("master", "l.masterid", FieldType.ENTITY));
        queryFields.add(QueryField.of("masterid", "l.masterid", FieldType.INTEGER));
        this.fields = List.copyOf(queryFields);
    }

    static JdbcComponents schedulers(SqlExecutor sql, Dialect dialect) {
        return new JdbcComponents(sql, dialect, "scheduler", "schedulers", "scheduler_masters", "schedulerid", true);
    }

    static JdbcComponents changeSources(SqlExecutor sql, Dialect dialect) {
        return new JdbcComponents(
                sql, dialect, "change source", "changesources", "changesource_masters", "changesourceid", false);
    }

    /** Runs a data API query; see {@link org.multimaster.db.SchedulersConnector#getSchedulers(ResultSpec)}. */
    CompletableFuture<ListResult<Row>> query(ResultSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return sql.autoCommit(
                "query " + label + "s", SpecQuery.page(join, fields, dialect, spec, columns, JdbcComponents::readRow));
    }

    CompletableFuture<Long> findId(String name) {
        NamedRows.requireName(name, label, dialect);
        return sql.autoCommit(
                "register " + label + " " + NamedRows.quoted(name),
                connection -> NamedRows.findOrInsert(connection, table, name, "", "", (insert, index) -> {}));
    }

    CompletableFuture<Void> setMaster(long componentId, @Nullable Long masterId) {
        if (masterId == null) {
            return sql.autoCommit("release " + label + " " + componentId, connection -> {
                try (PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM " + linkTable + " WHERE " + idColumn + " = ?")) {
                    delete.setLong(1, componentId);
                    delete.executeUpdate();
                }
                return null;
            });
        }
        long claimant = masterId;
        return sql.autoCommit("claim " + label + " " + componentId + " for master " + claimant, connection -> {
            for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
                if (tryInsertLink(connection, componentId, claimant)) {
                    return null;
                }
                Owner owner = readOwner(connection, componentId);
                if (owner == null) {
                    continue; // released between our insert and our read: try again
                }
                if (owner.id() == claimant) {
                    return null;
                }
                if (owner.active()) {
                    throw new AlreadyClaimedException(label, componentId, owner.id(), owner.name());
                }
                if (takeOver(connection, componentId, owner.id(), claimant)) {
                    return null;
                }
            }
            throw new MultimasterException("cannot claim " + label + " " + componentId + " for master " + claimant
                    + ": its owner kept changing; try again");
        });
    }

    CompletableFuture<Optional<Row>> get(long componentId) {
        return sql.autoCommit("read " + label + " " + componentId, connection -> {
            try (PreparedStatement statement =
                    connection.prepareStatement("SELECT " + columns + " FROM " + join + " WHERE c.id = ?")) {
                statement.setLong(1, componentId);
                List<Row> rows = readAll(statement);
                return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
            }
        });
    }

    CompletableFuture<List<Row>> list(@Nullable Boolean active, @Nullable Long masterId) {
        List<String> conditions = new ArrayList<>();
        if (Boolean.TRUE.equals(active)) {
            conditions.add("l.masterid IS NOT NULL");
        } else if (Boolean.FALSE.equals(active)) {
            conditions.add("l.masterid IS NULL");
        }
        if (masterId != null) {
            conditions.add("l.masterid = ?");
        }
        String query = "SELECT " + columns + " FROM " + join
                + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions)) + " ORDER BY c.id";
        return sql.autoCommit("list " + label + "s", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(query)) {
                if (masterId != null) {
                    statement.setLong(1, masterId);
                }
                return readAll(statement);
            }
        });
    }

    private boolean tryInsertLink(Connection connection, long componentId, long masterId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + linkTable + " (" + idColumn + ", masterid) VALUES (?, ?)")) {
            insert.setLong(1, componentId);
            insert.setLong(2, masterId);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (SqlErrors.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    private @Nullable Owner readOwner(Connection connection, long componentId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT m.id, m.name, m.active FROM " + linkTable
                + " l JOIN masters m ON m.id = l.masterid WHERE l." + idColumn + " = ?")) {
            select.setLong(1, componentId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new Owner(rs.getLong(1), rs.getString(2), rs.getInt(3) != 0) : null;
            }
        }
    }

    private boolean takeOver(Connection connection, long componentId, long inactiveOwner, long claimant)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + linkTable + " SET masterid = ? WHERE "
                + idColumn + " = ? AND masterid = ? AND masterid IN (SELECT id FROM masters WHERE active = 0)")) {
            update.setLong(1, claimant);
            update.setLong(2, componentId);
            update.setLong(3, inactiveOwner);
            return update.executeUpdate() == 1;
        }
    }

    private static List<Row> readAll(PreparedStatement statement) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                rows.add(readRow(rs));
            }
        }
        return rows;
    }

    /** The component in the current row, whose first columns are {@link #columns}; read by position. */
    private static Row readRow(ResultSet rs) throws SQLException {
        long owner = rs.getLong(4);
        Long masterId = rs.wasNull() ? null : owner;
        return new Row(rs.getLong(1), rs.getString(2), rs.getInt(3) != 0, masterId);
    }

    private record Owner(long id, String name, boolean active) {}
}
