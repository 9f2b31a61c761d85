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
import org.multimaster.db.Durations;
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
 * <p>Check-in and activation ({@code setMasterState(id, true)}), with auto-commit, in as few round
 * trips as the database allows, each {@code UPDATE} atomic on its row:
 *
 * <ol>
 *   <li>on PostgreSQL, one statement: an {@code UPDATE} joined to its own row read {@code FOR UPDATE}
 *       sets {@code active = 1, last_active = now} and returns the state the row had; a concurrent
 *       caller waits for the row lock and then reads the state this one left, so exactly one sees
 *       the change. No row (a missing master): false, nothing written;
 *   <li>elsewhere, {@code UPDATE … SET last_active = now WHERE id = ? AND active = 1}: one
 *       statement checks an active master in and returns false;
 *   <li>if it matched nothing, {@code UPDATE … SET active = 1, last_active = now WHERE id = ? AND
 *       active = 0}: whoever matches the row changed the state and returns true. Matching nothing
 *       means the master is missing, or a concurrent caller activated it between the two
 *       statements; that caller reported the change and wrote {@code last_active}, so this one
 *       returns false. On MyISAM tables (Buildbot's MySQL default), without transactions or row
 *       locks, each {@code UPDATE} is still atomic, so exactly one caller wins.
 * </ol>
 *
 * <p>Deactivation ({@code setMasterState(id, false)}), all of it or nothing:
 *
 * <ol>
 *   <li>{@code UPDATE masters SET active = 0 WHERE id = ? AND active <> 0}: the caller whose
 *       statement matches the row changed the state (won); a concurrent one waits for the row lock
 *       and then matches nothing;
 *   <li>delete the master's rows from every link table the database has, and release its claims on
 *       build requests that are not complete (claims on completed requests are history and stay),
 *       whether or not the state changed, so stale links of an inactive master go too;
 *   <li>if this caller won, finish the master's running builds as Buildbot's housekeeping does:
 *       logs of its unfinished steps complete, the steps and then the builds {@code RETRY} with
 *       {@code complete_at} = now;
 *   <li>return whether step 1 changed the state.
 * </ol>
 *
 * On PostgreSQL the steps are one statement (data-modifying {@code WITH} clauses, which all read
 * the snapshot taken before any of them ran, so logs and steps are found as step 3 describes), one
 * round trip; elsewhere they are one transaction.
 *
 * <p>Buildbot does the same housekeeping in many transactions after the state change; here it
 * commits with the state change or not at all, so a crash halfway cannot leave a master inactive
 * with builds that nobody will ever finish. Every Buildbot table is optional: statements on tables
 * the database lacks are left out.
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
    private static final List<MasterStatement> LINK_DELETES = List.of(
            new MasterStatement(
                    "DELETE FROM configured_workers WHERE buildermasterid IN"
                            + " (SELECT id FROM builder_masters WHERE masterid = ?)",
                    "configured_workers",
                    "builder_masters"),
            new MasterStatement("DELETE FROM builder_masters WHERE masterid = ?", "builder_masters"),
            new MasterStatement("DELETE FROM connected_workers WHERE masterid = ?", "connected_workers"),
            // A claim on a completed request records who built it, as in Buildbot: only pending
            // requests are released. Without Buildbot's buildrequests table there is nothing to tell
            // them apart by, and every claim goes.
            new MasterStatement(
                    "DELETE FROM buildrequest_claims WHERE masterid = ?"
                            + " AND brid IN (SELECT id FROM buildrequests WHERE complete = 0)",
                    "buildrequest_claims",
                    "buildrequests"),
            new MasterStatement(
                    "DELETE FROM buildrequest_claims WHERE masterid = ?", "buildrequest_claims", "!buildrequests"),
            new MasterStatement("DELETE FROM scheduler_masters WHERE masterid = ?", "scheduler_masters"),
            new MasterStatement("DELETE FROM changesource_masters WHERE masterid = ?", "changesource_masters"));

    /** Step 1 of a deactivation: only the caller whose statement matches the row changes the state. */
    private static final String DEACTIVATE = "UPDATE masters SET active = 0 WHERE id = ? AND active <> 0";

    /** Buildbot's {@code RETRY} result code. */
    static final int RETRY = 5;

    /**
     * What the winner of a deactivation does to the master's running builds, as Buildbot's
     * housekeeping of a deactivated master does; {@code %s} stands for "now", {@code ?} for the
     * master id. Logs first: they are found through the steps that are
     * still unfinished, and steps through the builds that are.
     */
    private static final List<MasterStatement> FINISH_BUILDS = List.of(
            new MasterStatement(
                    "UPDATE logs SET complete = 1 WHERE complete = 0 AND stepid IN (SELECT steps.id FROM steps"
                            + " JOIN builds ON builds.id = steps.buildid WHERE steps.results IS NULL"
                            + " AND builds.complete_at IS NULL AND builds.masterid = ?)",
                    "logs",
                    "steps",
                    "builds"),
            new MasterStatement(
                    "UPDATE steps SET results = " + RETRY + ", complete_at = %s, hidden = 0 WHERE results IS NULL"
                            + " AND buildid IN (SELECT id FROM builds WHERE complete_at IS NULL AND masterid = ?)",
                    "steps",
                    "builds"),
            new MasterStatement(
                    "UPDATE builds SET results = " + RETRY + ", complete_at = %s WHERE complete_at IS NULL"
                            + " AND masterid = ?",
                    "builds"));

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
    private final List<MasterStatement> linkDeletes;
    private final List<MasterStatement> finishBuilds;
    private final String unreferenced;

    JdbcMastersConnector(SqlExecutor sql, Dialect dialect, Schema schema, Now now) {
        this.sql = sql;
        this.dialect = dialect;
        this.now = now;
        this.linkDeletes = MasterStatement.applicable(LINK_DELETES, schema);
        this.finishBuilds = MasterStatement.applicable(FINISH_BUILDS, schema);
        this.unreferenced = REFERENCING_TABLES.stream()
                .filter(schema::has)
                .map(t -> " AND NOT EXISTS (SELECT 1 FROM " + t + " WHERE " + t + ".masterid = masters.id)")
                .collect(Collectors.joining());
    }

    /** Where this connector's "now" comes from; another connector on the same database shares it. */
    Now now() {
        return now;
    }

    @Override
    public CompletableFuture<Long> findMasterId(String name) {
        NamedRows.requireName(name, "master", dialect);
        return sql.autoCommit(
                "register master " + NamedRows.quoted(name),
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
        String what = "mark master " + masterId + (active ? " active" : " inactive");
        if (active) {
            return sql.autoCommit(what, connection -> activate(connection, masterId));
        }
        if (dialect.hasDataModifyingCtes()) {
            return sql.autoCommit(what, connection -> deactivateInOneStatement(connection, masterId));
        }
        return sql.transaction(what, connection -> {
            boolean changed;
            try (PreparedStatement update = connection.prepareStatement(DEACTIVATE)) {
                update.setLong(1, masterId);
                changed = update.executeUpdate() > 0;
            }
            runForMaster(connection, linkDeletes, masterId);
            if (changed) {
                runForMaster(connection, finishBuilds, masterId);
            }
            return changed;
        });
    }

    private boolean activate(Connection connection, long masterId) throws SQLException {
        Optional<String> returning = dialect.checkInReturningPreviousState(now.sql());
        if (returning.isPresent()) {
            try (PreparedStatement update = connection.prepareStatement(returning.get())) {
                update.setLong(now.bind(update, 1), masterId);
                try (ResultSet rs = update.executeQuery()) {
                    return rs.next() && rs.getInt(1) == 0;
                }
            }
        }
        try (PreparedStatement checkIn = connection.prepareStatement(
                "UPDATE masters SET last_active = " + now.sql() + " WHERE id = ? AND active = 1")) {
            checkIn.setLong(now.bind(checkIn, 1), masterId);
            if (checkIn.executeUpdate() > 0) {
                return false;
            }
        }
        try (PreparedStatement start = connection.prepareStatement(
                "UPDATE masters SET active = 1, last_active = " + now.sql() + " WHERE id = ? AND active = 0")) {
            start.setLong(now.bind(start, 1), masterId);
            return start.executeUpdate() > 0;
        }
    }

    /** The deactivation's steps as one PostgreSQL statement; the result row counts the state changes. */
    private boolean deactivateInOneStatement(Connection connection, long masterId) throws SQLException {
        List<MasterStatement> parts = new ArrayList<>(linkDeletes);
        // The housekeeping of the builds runs only where the flip matched the row: where this caller won.
        finishBuilds.forEach(f -> parts.add(new MasterStatement(f.sql() + " AND EXISTS (SELECT 1 FROM flip)")));
        StringBuilder statement = new StringBuilder("WITH flip AS (" + DEACTIVATE + " RETURNING id)");
        for (int i = 0; i < parts.size(); i++) {
            statement
                    .append(", s")
                    .append(i)
                    .append(" AS (")
                    .append(withNow(parts.get(i)))
                    .append(")");
        }
        statement.append(" SELECT COUNT(*) FROM flip");
        try (PreparedStatement s = connection.prepareStatement(statement.toString())) {
            int index = 1;
            s.setLong(index++, masterId);
            for (MasterStatement part : parts) {
                if (part.sql().contains("%s")) {
                    index = now.bind(s, index);
                }
                s.setLong(index++, masterId);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
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
        // One statement, atomic on its own: auto-commit saves the transaction's round trips.
        return sql.autoCommit("mark all masters active long ago", connection -> {
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
            throw new IllegalArgumentException("expiry " + Durations.format(expiry) + " must be positive");
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
            throw new IllegalArgumentException(
                    "inactive-for " + Durations.format(inactiveFor) + " must not be negative");
        }
        String condition = " WHERE active = 0 AND last_active < " + now.minusSql() + unreferenced;
        String select = "SELECT " + COLUMNS + " FROM masters" + condition + " ORDER BY id";
        // Nearly every prune finds nothing: one plain read says so, without a transaction (on SQLite,
        // without taking the write lock). An empty snapshot is a prune done at that instant.
        return sql.autoCommit("prune inactive masters", connection -> selectPrunable(connection, select, inactiveFor))
                .thenCompose(candidates -> candidates.isEmpty()
                        ? CompletableFuture.completedFuture(List.of())
                        : prune(select + dialect.forUpdate(), condition, inactiveFor));
    }

    private CompletableFuture<List<MasterModel>> prune(String selectForUpdate, String condition, Duration inactiveFor) {
        return sql.transaction("prune inactive masters", connection -> {
            List<MasterModel> pruned = selectPrunable(connection, selectForUpdate, inactiveFor);
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

    private List<MasterModel> selectPrunable(Connection connection, String select, Duration inactiveFor)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(select)) {
            now.bindMinus(statement, 1, inactiveFor);
            try (ResultSet rs = statement.executeQuery()) {
                return readAll(rs);
            }
        }
    }

    /** Runs each statement with "now" (where it takes it) and the master id bound. */
    private void runForMaster(Connection connection, List<MasterStatement> statements, long masterId)
            throws SQLException {
        for (MasterStatement s : statements) {
            try (PreparedStatement statement = connection.prepareStatement(withNow(s))) {
                statement.setLong(s.sql().contains("%s") ? now.bind(statement, 1) : 1, masterId);
                statement.executeUpdate();
            }
        }
    }

    /** The statement's SQL with its "now" placeholder, if any, replaced by {@link Now#sql()}. */
    private String withNow(MasterStatement s) {
        return s.sql().replace("%s", now.sql());
    }

    private static List<MasterModel> readAll(ResultSet rs) throws SQLException {
        List<MasterModel> masters = new ArrayList<>();
        while (rs.next()) {
            masters.add(toModel(rs));
        }
        return masters;
    }

    /**
     * The master in the current row, whose first columns are {@link #COLUMNS}. Read by position, which
     * spares the driver a lookup of the label for every column of every row.
     */
    private static MasterModel toModel(ResultSet rs) throws SQLException {
        return new MasterModel(rs.getLong(1), rs.getString(2), rs.getInt(3) != 0, Instant.ofEpochSecond(rs.getLong(4)));
    }

    /**
     * A statement on one master's rows, run only where the database has the tables it names; a
     * table written {@code !name} must be absent instead.
     */
    private record MasterStatement(String sql, List<String> tables) {

        MasterStatement(String sql, String... tables) {
            this(sql, List.of(tables));
        }

        boolean appliesTo(Schema schema) {
            return tables.stream().allMatch(t -> t.startsWith("!") ? !schema.has(t.substring(1)) : schema.has(t));
        }

        static List<MasterStatement> applicable(List<MasterStatement> statements, Schema schema) {
            return statements.stream().filter(s -> s.appliesTo(schema)).toList();
        }
    }
}
