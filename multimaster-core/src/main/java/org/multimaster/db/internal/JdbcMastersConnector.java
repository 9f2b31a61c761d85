package org.multimaster.db.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ListResult;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.ResourceType.FieldType;
import org.multimaster.db.ResultSpec;

/**
 * {@link MastersConnector} over JDBC, on Buildbot's {@code masters} table.
 *
 * <p>Registration ({@link #findMasterId}) is {@link NamedRows#findOrInsert}, shared with schedulers
 * and change sources; a new master is inserted inactive with {@code last_active} = now.
 *
 * <p>State change ({@link #setMasterState}), one transaction:
 *
 * <ol>
 *   <li>lock the master's row ({@code SELECT … FOR UPDATE}; on SQLite the {@code IMMEDIATE}
 *       transaction holds the database's write lock), so concurrent callers on the same master run
 *       one after the other and each sees the state the previous one left;
 *   <li>if there is no row, write nothing and return false;
 *   <li>when deactivating, delete the master's rows from every link table the database has;
 *   <li>write the new state with an {@code UPDATE} that matches only a row in the other state
 *       (and, when activating, set {@code last_active} = now either way);
 *   <li>return whether that {@code UPDATE} matched a row, i.e. whether the state changed; on MyISAM
 *       tables (Buildbot's MySQL default), where
 *       step 1 locks nothing, the single atomic {@code UPDATE} still lets exactly one caller win.
 * </ol>
 *
 * <p>Thread-safe.
 */
final class JdbcMastersConnector implements MastersConnector {

    private static final String COLUMNS = "id, name, active, last_active";

    static final List<QueryField> FIELDS = List.of(
            QueryField.of("masterid", "id", FieldType.INTEGER),
            new QueryField("name", "name", FieldType.STRING, "name_hash"),
            QueryField.of("active", "active", FieldType.BOOLEAN),
            QueryField.of("last_active", "last_active", FieldType.DATETIME));

    /**
     * The link tables whose rows a deactivation deletes, children first. {@code builds} is absent
     * on purpose: it is history.
     */
    private static final List<LinkTable> LINK_TABLES = List.of(
            new LinkTable(
                    "configured_workers",
                    "DELETE FROM configured_workers WHERE buildermasterid IN"
                            + " (SELECT id FROM builder_masters WHERE masterid = ?)",
                    "builder_masters"),
            new LinkTable("builder_masters", "DELETE FROM builder_masters WHERE masterid = ?", null),
            new LinkTable("connected_workers", "DELETE FROM connected_workers WHERE masterid = ?", null),
            new LinkTable("buildrequest_claims", "DELETE FROM buildrequest_claims WHERE masterid = ?", null),
            new LinkTable("scheduler_masters", "DELETE FROM scheduler_masters WHERE masterid = ?", null),
            new LinkTable("changesource_masters", "DELETE FROM changesource_masters WHERE masterid = ?", null));

    /** Tables whose rows keep a master from being pruned, with their master column. */
    private static final List<String> REFERENCING_TABLES = List.of(
            "builds",
            "builder_masters",
            "connected_workers",
            "buildrequest_claims",
            "scheduler_masters",
            "changesource_masters");

    private final SqlExecutor sql;
    private final Dialect dialect;
    private final Now now;
    private final List<String> linkDeletes;
    private final String unreferenced;

    JdbcMastersConnector(SqlExecutor sql, Dialect dialect, Schema schema, Now now) {
        this.sql = sql;
        this.dialect = dialect;
        this.now = now;
        this.linkDeletes = LINK_TABLES.stream()
                .filter(t -> schema.has(t.table()) && (t.alsoRequires() == null || schema.has(t.alsoRequires())))
                .map(LinkTable::delete)
                .toList();
        this.unreferenced = REFERENCING_TABLES.stream()
                .filter(schema::has)
                .map(t -> " AND NOT EXISTS (SELECT 1 FROM " + t + " WHERE " + t + ".masterid = masters.id)")
                .collect(Collectors.joining());
    }

    @Override
    public CompletableFuture<Long> findMasterId(String name) {
        NamedRows.requireName(name, "master");
        return sql.autoCommit(
                "register master '" + name + "'",
                connection -> NamedRows.findOrInsert(
                        connection,
                        "masters",
                        name,
                        ", active, last_active",
                        ", 0, " + now.sql(),
                        (insert, index) -> now.bind(insert, index)));
    }

    @Override
    public CompletableFuture<Boolean> setMasterState(long masterId, boolean active) {
        return sql.transaction("mark master " + masterId + (active ? " active" : " inactive"), connection -> {
            if (!lockRow(connection, masterId)) {
                return false;
            }
            // The result comes from the row count of an UPDATE that matches only a row in the other
            // state, not from the state read above: on MySQL tables that Buildbot created (MyISAM by
            // default) there are no transactions and FOR UPDATE locks nothing, but each UPDATE is
            // atomic, so exactly one concurrent caller still sees the change.
            if (active) {
                int changed;
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE masters SET active = 1, last_active = " + now.sql() + " WHERE id = ? AND active = 0")) {
                    update.setLong(now.bind(update, 1), masterId);
                    changed = update.executeUpdate();
                }
                if (changed == 0) {
                    try (PreparedStatement checkIn = connection.prepareStatement(
                            "UPDATE masters SET last_active = " + now.sql() + " WHERE id = ?")) {
                        checkIn.setLong(now.bind(checkIn, 1), masterId);
                        checkIn.executeUpdate();
                    }
                }
                return changed > 0;
            }
            for (String delete : linkDeletes) {
                try (PreparedStatement statement = connection.prepareStatement(delete)) {
                    statement.setLong(1, masterId);
                    statement.executeUpdate();
                }
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE masters SET active = 0 WHERE id = ? AND active <> 0")) {
                update.setLong(1, masterId);
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public CompletableFuture<Optional<MasterModel>> getMaster(long masterId) {
        return sql.autoCommit("read master " + masterId, connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT " + COLUMNS + " FROM masters WHERE id = ?")) {
                select.setLong(1, masterId);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(toModel(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public CompletableFuture<List<MasterModel>> getMasters() {
        return sql.autoCommit("list masters", connection -> {
            try (PreparedStatement select =
                            connection.prepareStatement("SELECT " + COLUMNS + " FROM masters ORDER BY id");
                    ResultSet rs = select.executeQuery()) {
                return readAll(rs);
            }
        });
    }

    @Override
    public CompletableFuture<ListResult<MasterModel>> getMasters(ResultSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return sql.autoCommit(
                "query masters",
                SpecQuery.page("masters", FIELDS, dialect, spec, COLUMNS, JdbcMastersConnector::toModel));
    }

    @Override
    public CompletableFuture<Void> setAllMastersActiveLongTimeAgo() {
        return sql.transaction("mark all masters active long ago", connection -> {
            try (Statement update = connection.createStatement()) {
                update.executeUpdate("UPDATE masters SET active = 1, last_active = 0");
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<List<MasterModel>> getExpiredMasters(Duration expiry) {
        Objects.requireNonNull(expiry, "expiry");
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("expiry " + expiry + " must be positive");
        }
        return sql.autoCommit("find expired masters", connection -> {
            // Served by the (active, last_active) index on a multimaster schema.
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM masters WHERE active = 1 AND last_active < " + now.minusSql() + " ORDER BY id")) {
                now.bindMinus(select, 1, expiry);
                try (ResultSet rs = select.executeQuery()) {
                    return readAll(rs);
                }
            }
        });
    }

    @Override
    public CompletableFuture<List<MasterModel>> pruneMasters(Duration inactiveFor) {
        Objects.requireNonNull(inactiveFor, "inactiveFor");
        if (inactiveFor.isNegative()) {
            throw new IllegalArgumentException("inactive-for " + inactiveFor + " must not be negative");
        }
        String condition = " WHERE active = 0 AND last_active < " + now.minusSql() + unreferenced;
        return sql.transaction("prune inactive masters", connection -> {
            List<MasterModel> pruned;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM masters" + condition + " ORDER BY id" + dialect.forUpdate())) {
                now.bindMinus(select, 1, inactiveFor);
                try (ResultSet rs = select.executeQuery()) {
                    pruned = readAll(rs);
                }
            }
            List<MasterModel> deleted = new ArrayList<>();
            for (MasterModel master : pruned) {
                // The conditions are checked again row by row: a build may have been recorded since.
                try (PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM masters" + condition + " AND id = ?")) {
                    delete.setLong(now.bindMinus(delete, 1, inactiveFor), master.id());
                    if (delete.executeUpdate() == 1) {
                        deleted.add(master);
                    }
                }
            }
            return deleted;
        });
    }

    /** Locks the master's row until the transaction ends; returns whether it exists. */
    private boolean lockRow(Connection connection, long masterId) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT id FROM masters WHERE id = ?" + dialect.forUpdate())) {
            select.setLong(1, masterId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<MasterModel> readAll(ResultSet rs) throws SQLException {
        List<MasterModel> masters = new ArrayList<>();
        while (rs.next()) {
            masters.add(toModel(rs));
        }
        return masters;
    }

    private static MasterModel toModel(ResultSet rs) throws SQLException {
        return new MasterModel(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getInt("active") != 0,
                Instant.ofEpochSecond(rs.getLong("last_active")));
    }

    private record LinkTable(
            String table, String delete, @Nullable String alsoRequires) {}
}
