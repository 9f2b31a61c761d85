package org.multimaster.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DatabaseUrl;

/**
 * The rows a benchmark runs on, written and reset with plain JDBC outside the timed sections.
 *
 * <p>Every row it writes has a name starting with {@value #PREFIX}, and it refuses a database
 * whose {@code masters} table holds any other row: a benchmark rewrites every master (e.g.
 * {@code setAllMastersActiveLongTimeAgo}), so it must never run on a live registry. The baseline:
 * {@code active} masters named {@code bench-a-N}, last checked in one heartbeat ({@value
 * #HEARTBEAT_SECONDS} s, Buildbot's) ago, and {@code dead} masters named
 * {@code bench-d-N}, inactive for 30 days; {@link #reset} returns to it after each batch.
 *
 * <p>On PostgreSQL, seeding and every reset end with {@code VACUUM ANALYZE}, as autovacuum keeps a
 * live registry: a benchmark rewrites the masters hundreds of times a second, far faster than
 * autovacuum's one-minute nap, and the dead index entries it leaves would be timed in place of the
 * next batch's work. An expiry sweep after a batch of {@code setAllMastersActiveLongTimeAgo} read
 * 48,039 dead entries of the {@code (active, last_active)} index: 2.6 ms, 0.03 ms once vacuumed.
 *
 * <p>Not thread-safe.
 */
public final class Workload implements AutoCloseable {

    /** The prefix of every name the benchmark writes. */
    public static final String PREFIX = "bench-";

    /**
     * How long ago the active masters of the baseline checked in. Not now: a check-in in the same
     * second as the last one writes the value the row holds, which MariaDB ("Rows matched: 1 Changed:
     * 0") and SQLite (nothing added to the WAL) turn into no write at all, so a batch of check-ins
     * would have measured no durable write there, where every real check-in, a heartbeat after the
     * last, writes one.
     */
    static final long HEARTBEAT_SECONDS = 60;

    private static final Duration DEAD_FOR = Duration.ofDays(30);
    private static final int INSERT_CHUNK = 1000;

    private final DatabaseUrl url;
    private final Connection connection;
    private final Clock clock;
    private List<Long> activeIds = List.of();
    private List<Long> deadIds = List.of();
    private List<String> activeNames = List.of();
    private int linkSlots;

    private Workload(DatabaseUrl url, Connection connection, Clock clock) {
        this.url = url;
        this.connection = connection;
        this.clock = clock;
    }

    /**
     * Connects to a database whose schema exists (open a {@code DbConnector} on it first).
     *
     * @throws IllegalArgumentException if the masters table holds rows that are not the benchmark's
     */
    public static Workload open(DatabaseUrl url, Clock clock) throws SQLException {
        Connection connection = connect(url);
        try {
            Workload workload = new Workload(url, connection, clock);
            workload.requireBenchOnly();
            return workload;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** A plain auto-commit JDBC connection to the database, as the floor and the workload use. */
    static Connection connect(DatabaseUrl url) throws SQLException {
        Properties properties = new Properties();
        url.user().ifPresent(u -> properties.setProperty("user", u));
        url.password().ifPresent(p -> properties.setProperty("password", p));
        Connection connection = DriverManager.getConnection(url.jdbcUrl(), properties);
        if (url.kind() == DatabaseKind.SQLITE) {
            try (Statement s = connection.createStatement()) {
                // The connector set WAL on the file already; wait for its locks rather than fail.
                s.execute("PRAGMA busy_timeout = 10000");
            }
        }
        return connection;
    }

    private void requireBenchOnly() throws SQLException {
        try (PreparedStatement s =
                connection.prepareStatement("SELECT COUNT(*) FROM masters WHERE name NOT LIKE '" + PREFIX + "%'")) {
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long foreign = rs.getLong(1);
                if (foreign > 0) {
                    throw new IllegalArgumentException("database " + url + " holds "
                            + (foreign == 1 ? "1 master that is" : foreign + " masters that are")
                            + " not the benchmark's; the benchmark rewrites every master, so run it on an empty"
                            + " scratch database");
                }
            }
        }
    }

    /**
     * Replaces the benchmark's rows with {@code active} fresh masters and {@code dead} long-inactive
     * ones, plus {@code linkSlots} schedulers and change sources to link masters to.
     */
    public void seed(int active, int dead, int linkSlots) throws SQLException {
        wipe();
        long now = now();
        insertMasters("bench-a-", active, 1, now - HEARTBEAT_SECONDS);
        insertMasters("bench-d-", dead, 0, now - DEAD_FOR.toSeconds());
        for (String table : List.of("schedulers", "changesources")) {
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < linkSlots; i++) {
                String name = PREFIX + table + "-" + i;
                rows.add(
                        table.equals("schedulers")
                                ? new Object[] {name, sha1(name), 1}
                                : new Object[] {name, sha1(name)});
            }
            insert(
                    "INSERT INTO " + table + " (name, name_hash" + (table.equals("schedulers") ? ", enabled" : "")
                            + ") VALUES (?, ?" + (table.equals("schedulers") ? ", ?" : "") + ")",
                    rows);
        }
        this.linkSlots = linkSlots;
        activeIds = ids("bench-a-");
        deadIds = ids("bench-d-");
        activeNames = new ArrayList<>();
        for (int i = 0; i < activeIds.size(); i++) {
            activeNames.add(name("bench-a-", i));
        }
        vacuum();
    }

    /** Deletes every row the benchmark wrote. */
    public void wipe() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("DELETE FROM scheduler_masters WHERE schedulerid IN (SELECT id FROM schedulers WHERE"
                    + " name LIKE '" + PREFIX + "%')");
            s.executeUpdate("DELETE FROM changesource_masters WHERE changesourceid IN (SELECT id FROM changesources"
                    + " WHERE name LIKE '" + PREFIX + "%')");
            s.executeUpdate("DELETE FROM schedulers WHERE name LIKE '" + PREFIX + "%'");
            s.executeUpdate("DELETE FROM changesources WHERE name LIKE '" + PREFIX + "%'");
            s.executeUpdate("DELETE FROM masters WHERE name LIKE '" + PREFIX + "%'");
        }
    }

    /** The ids of the fresh, active masters. */
    public List<Long> activeIds() {
        return activeIds;
    }

    /** The ids of the long-inactive masters. */
    public List<Long> deadIds() {
        return deadIds;
    }

    /** The names of the fresh, active masters, in the order of {@link #activeIds()}. */
    public List<String> activeNames() {
        return activeNames;
    }

    /**
     * The arguments of one batch of {@code count} calls: random active masters (distinct when
     * {@code count} allows), and new names tagged with {@code tag} so each side registers its own.
     */
    Batch batch(Operation op, int count, Random random) {
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> picks = picks(count, random);
        for (int i = 0; i < count; i++) {
            int pick = picks.get(i);
            ids.add(activeIds.get(pick));
            names.add(op == Operation.FIND_NEW ? PREFIX + "new-" + random.nextLong() + "-" + i : activeNames.get(pick));
        }
        return new Batch(op, ids, names);
    }

    private List<Integer> picks(int count, Random random) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < activeIds.size(); i++) {
            all.add(i);
        }
        java.util.Collections.shuffle(all, random);
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picks.add(all.get(i % all.size()));
        }
        return picks;
    }

    /** Puts the batch's masters in the state its operation starts from (untimed). */
    void prepare(Batch batch) throws SQLException {
        switch (batch.op()) {
            case ACTIVATE -> setActive(batch.ids(), 0);
            case DEACTIVATE -> {
                setActive(batch.ids(), 1);
                link(batch.ids());
            }
            default -> {}
        }
    }

    /** Returns to the baseline after a batch of {@code op} (untimed). */
    public void reset(Operation op) throws SQLException {
        try (Statement s = connection.createStatement()) {
            switch (op) {
                case FIND_NEW -> s.executeUpdate("DELETE FROM masters WHERE name LIKE '" + PREFIX + "new-%'");
                // A sweep with nothing stale changes no row: the active masters' check-ins are
                // renewed so that none becomes stale over a long run, and the dead rows are left as
                // a registry leaves them. Rewriting every dead row here made the next timed calls
                // slower by more the more dead rows there were (caches and threads gone cold after
                // a long write), which is not the sweep's own cost.
                case SWEEP ->
                    s.executeUpdate("UPDATE masters SET active = 1, last_active = " + (now() - HEARTBEAT_SECONDS)
                            + " WHERE name LIKE 'bench-a-%'");
                case ACTIVATE, DEACTIVATE, LONG_AGO, CHECK_IN -> {
                    s.executeUpdate("DELETE FROM scheduler_masters WHERE schedulerid IN (SELECT id FROM schedulers"
                            + " WHERE name LIKE '" + PREFIX + "%')");
                    s.executeUpdate("DELETE FROM changesource_masters WHERE changesourceid IN (SELECT id FROM"
                            + " changesources WHERE name LIKE '" + PREFIX + "%')");
                    s.executeUpdate("UPDATE masters SET active = 1, last_active = " + (now() - HEARTBEAT_SECONDS)
                            + " WHERE name LIKE 'bench-a-%'");
                    s.executeUpdate("UPDATE masters SET active = 0, last_active = " + (now() - DEAD_FOR.toSeconds())
                            + " WHERE name LIKE 'bench-d-%'");
                }
                default -> {}
            }
        }
        vacuum();
    }

    /** On PostgreSQL, removes the dead rows and index entries that writes left, and renews the statistics. */
    private void vacuum() throws SQLException {
        if (url.kind() == DatabaseKind.POSTGRESQL) {
            try (Statement s = connection.createStatement()) {
                s.execute("VACUUM ANALYZE masters, schedulers, scheduler_masters, changesources, changesource_masters");
            }
        }
    }

    private void setActive(List<Long> ids, int active) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(new Object[] {active, now() - HEARTBEAT_SECONDS, id});
        }
        update("UPDATE masters SET active = ?, last_active = ? WHERE id = ?", rows);
    }

    private void link(List<Long> ids) throws SQLException {
        if (ids.size() > linkSlots) {
            throw new IllegalStateException(ids.size() + " masters to link but only " + linkSlots + " link slots");
        }
        for (String table : List.of("scheduler", "changesource")) {
            List<Long> components = new ArrayList<>();
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT id FROM " + table + "s WHERE name LIKE '" + PREFIX + "%' ORDER BY id")) {
                while (rs.next()) {
                    components.add(rs.getLong(1));
                }
            }
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                rows.add(new Object[] {components.get(i), ids.get(i)});
            }
            update("INSERT INTO " + table + "_masters (" + table + "id, masterid) VALUES (?, ?)", rows);
        }
    }

    private void insertMasters(String prefix, int count, int active, long lastActive) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = name(prefix, i);
            rows.add(new Object[] {name, sha1(name), active, lastActive});
        }
        insert("INSERT INTO masters (name, name_hash, active, last_active) VALUES (?, ?, ?, ?)", rows);
    }

    private void insert(String sql, List<Object[]> rows) throws SQLException {
        update(sql, rows);
    }

    private void update(String sql, List<Object[]> rows) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            int pending = 0;
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    s.setObject(i + 1, row[i]);
                }
                s.addBatch();
                if (++pending == INSERT_CHUNK) {
                    s.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                s.executeBatch();
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private List<Long> ids(String prefix) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM masters WHERE name LIKE '" + prefix + "%' ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static String name(String prefix, int i) {
        // Locale.ROOT: a locale such as ar-EG would write the digits in its own script.
        return prefix + String.format(Locale.ROOT, "%07d", i);
    }

    /** The lowercase hex SHA-1 of the UTF-8 bytes, as Buildbot's {@code name_hash}. */
    static String sha1(String name) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    /** The arguments of one batch: masters to act on and names to look up, one per call. */
    record Batch(Operation op, List<Long> ids, List<String> names) {
        Batch {
            ids = List.copyOf(ids);
            names = List.copyOf(names);
        }

        int size() {
            return ids.size();
        }

        /** The first {@code n} calls of this batch (all of them if it has no more). */
        Batch first(int n) {
            return n >= size() ? this : new Batch(op, ids.subList(0, n), names.subList(0, n));
        }

        /** The same batch for another side: new names get that side's tag, so each registers its own. */
        Batch forSide(String side) {
            if (op != Operation.FIND_NEW) {
                return this;
            }
            return new Batch(op, ids, names.stream().map(n -> n + "-" + side).toList());
        }
    }
}
