package org.multimaster.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.testing.MutableClock;
import org.multimaster.interop.Buildbot.Master;
import org.multimaster.interop.Buildbot.Operations;
import org.multimaster.interop.Buildbot.Row;
import org.multimaster.interop.Buildbot.Session;

/**
 * multimaster and real Buildbot 3.7 on one database: what one writes to {@code masters}, the other
 * reads back identically (id, name, name_hash, active, last_active), both agree on the id of a
 * name whoever registers it first, and multimaster leaves a Buildbot-created schema as it is. A
 * database that multimaster created has Buildbot's table definitions, Buildbot's connector works on
 * it, and {@code buildbot upgrade-master} turns it into a full Buildbot database.
 *
 * <p>Buildbot's side goes through Buildbot's own masters DB connector (see {@link Buildbot}). Each
 * backend is one tiny subclass; each nested class creates its database once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractBuildbotInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int RACERS = 8;
    private static final Instant T1 = Instant.ofEpochSecond(1_700_000_000L);
    private static final Instant T2 = T1.plusSeconds(60);
    private static final Instant T3 = T2.plusSeconds(60);
    private static final Instant T4 = T3.plusSeconds(60);
    /** The tables that multimaster creates in a new database, all of them Buildbot's. */
    private static final List<String> SHARED_TABLES =
            List.of("masters", "schedulers", "scheduler_masters", "changesources", "changesource_masters");

    private Path tempDir;
    private Buildbot buildbot;
    private InteropDatabase db;
    private final MutableClock clock = new MutableClock(T1);

    /** The backend under test, with any files it needs in {@code dir}. */
    protected abstract InteropDatabase database(Path dir);

    @BeforeAll
    void requireBuildbot(@TempDir Path dir) {
        tempDir = dir;
        buildbot = Buildbot.require(tempDir.resolve("buildbot"));
        db = database(tempDir.resolve("db"));
        db.requireDriver(buildbot);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnADatabaseThatBuildbotCreated {

        private InteropDatabase.SchemaSnapshot createdByBuildbot;

        @BeforeAll
        void letBuildbotCreateTheDatabase() throws SQLException {
            db.database().reset();
            buildbot.createMaster(tempDir.resolve("basedir"), db.buildbotUrl());
            createdByBuildbot = db.snapshot();
            assertThat(createdByBuildbot.tables()).contains("masters", "alembic_version");
        }

        @BeforeEach
        void noMasters() throws SQLException {
            db.deleteAllMasters();
            clock.set(T1);
        }

        @Test
        void shouldLetBuildbotReadMastersThatMultimasterRegisteredAndFlipped() {
            multimasterWritesAndBuildbotReads(true);
        }

        @Test
        void shouldLetMultimasterReadMastersThatBuildbotRegisteredAndFlipped() {
            buildbotWritesAndMultimasterReads(true);
        }

        @Test
        void shouldAgreeOnTheIdWhicheverRegistersTheNameFirst() {
            try (DbConnector mm = open()) {
                long mmFirst = join(mm.masters().findMasterId("mm-first:/srv/master"));
                long mmUpper = join(mm.masters().findMasterId("case:/srv/Master"));

                Session bb = buildbot.call(
                        db.buildbotUrl(),
                        T2,
                        new Operations()
                                .find("mm-first:/srv/master")
                                .find("case:/srv/Master")
                                .find("bb-first:/srv/master")
                                .find("case:/srv/master"));

                assertThat(bb.id(0)).isEqualTo(mmFirst);
                assertThat(bb.id(1)).isEqualTo(mmUpper);
                assertThat(join(mm.masters().findMasterId("bb-first:/srv/master")))
                        .isEqualTo(bb.id(2));
                assertThat(join(mm.masters().findMasterId("case:/srv/master")))
                        .isEqualTo(bb.id(3))
                        .isNotEqualTo(mmUpper);
                assertThat(join(mm.masters().getMasters())).hasSize(4);
            }
        }

        @Test
        void shouldSeeEachOthersStateChanges() {
            try (DbConnector mm = open()) {
                long id = join(mm.masters().findMasterId("shared:/srv/master"));

                Session activated = buildbot.call(db.buildbotUrl(), T2, new Operations().set(id, true));
                assertThat(activated.changed(0)).isTrue();

                clock.set(T3);
                assertThat(join(mm.masters().setMasterState(id, true)))
                        .as("already active: Buildbot's activation is visible")
                        .isFalse();

                Session deactivated = buildbot.call(
                        db.buildbotUrl(), T4, new Operations().set(id, false).get(id));
                assertThat(deactivated.changed(0)).isTrue();
                assertThat(deactivated.master(1)).isEqualTo(new Master(id, "shared:/srv/master", false, T3));

                assertThat(join(mm.masters().setMasterState(id, false))).isFalse();
                assertThat(join(mm.masters().getMaster(id)))
                        .contains(new MasterModel(id, "shared:/srv/master", false, T3));
            }
        }

        @Test
        void shouldRegisterFourByteNamesOnlyWhereBuildbotsTableCanStoreThem() {
            String name = "emoji 🚀 𝄞";
            try (DbConnector mm = open()) {
                CompletableFuture<Long> id = mm.masters().findMasterId(name);
                if (db.storesFourByteCharacters()) {
                    // That Buildbot reads such names back is shown with the other names above.
                    long registered = join(id);
                    assertThat(join(mm.masters().getMasters()))
                            .extracting(MasterModel::id, MasterModel::name)
                            .containsExactly(tuple(registered, name));
                } else {
                    // Buildbot's MySQL tables are utf8 (three bytes at most); the database refuses
                    // the name, and multimaster reports it instead of storing a mangled name.
                    assertThat(id)
                            .failsWithin(WAIT)
                            .withThrowableOfType(ExecutionException.class)
                            .withCauseInstanceOf(MultimasterException.class);
                    assertThat(join(mm.masters().getMasters())).isEmpty();
                }
            }
        }

        @Test
        void shouldReportExactlyOneChangeWhenManyFlipAMasterAtOnceOnBuildbotsTables() {
            // Buildbot creates MySQL tables with MyISAM by default: no transactions, and
            // SELECT ... FOR UPDATE locks nothing. The exactly-once result must hold there too.
            try (DbConnector mm = DbConnector.builder()
                    .url(db.buildbotUrl())
                    .clock(clock)
                    .poolSize(RACERS)
                    .open()) {
                long id = join(mm.masters().findMasterId("raced:/srv/master"));
                for (int round = 0; round < 10; round++) {
                    boolean active = round % 2 == 0;
                    List<CompletableFuture<Boolean>> racers = new ArrayList<>();
                    for (int i = 0; i < RACERS; i++) {
                        racers.add(mm.masters().setMasterState(id, active));
                    }
                    assertThat(racers.stream().filter(AbstractBuildbotInteropTest::join))
                            .as("callers that saw a change in round %d (active=%s)", round, active)
                            .hasSize(1);
                }
            }
        }

        @Test
        void shouldFinishTheBuildsOfAMasterItDeactivatesOnBuildbotsOwnTables() throws SQLException {
            try (DbConnector mm = open()) {
                long a = join(mm.masters().findMasterId("building:/srv/a"));
                long b = join(mm.masters().findMasterId("building:/srv/b"));
                join(mm.masters().setMasterState(a, true));
                join(mm.masters().setMasterState(b, true));
                try (Connection c = db.database().connect()) {
                    deleteBuildHistory(c);
                    try {
                        insertBuildHistory(c, a, b);
                        clock.set(T2);

                        assertThat(join(mm.masters().setMasterState(a, false))).isTrue();

                        long now = T2.getEpochSecond();
                        assertThat(rows(c, "SELECT id, complete_at, results FROM builds ORDER BY id"))
                                .containsExactly(
                                        List.of(1L, now, 5L), List.of(2L, 40L, 0L), Arrays.asList(3L, null, null));
                        assertThat(rows(c, "SELECT id, complete_at, results FROM steps ORDER BY id"))
                                .containsExactly(
                                        List.of(11L, 30L, 0L), List.of(12L, now, 5L), Arrays.asList(31L, null, null));
                        assertThat(rows(c, "SELECT id, complete FROM logs ORDER BY id"))
                                .containsExactly(List.of(121L, 1L), List.of(311L, 0L));
                        assertThat(rows(c, "SELECT brid, masterid FROM buildrequest_claims ORDER BY brid"))
                                .as("a's pending request is released, its completed one keeps its claim")
                                .containsExactly(List.of(101L, a), List.of(102L, b));
                        assertThat(rows(c, "SELECT id, complete FROM buildrequests ORDER BY id"))
                                .containsExactly(List.of(100L, 0L), List.of(101L, 1L), List.of(102L, 0L));
                    } finally {
                        deleteBuildHistory(c);
                    }
                }
            }
        }

        @Test
        void shouldLeaveBuildbotsSchemaAsItIs() throws SQLException {
            try (DbConnector mm = open()) {
                assertThat(mm.isBuildbotSchema()).isTrue();
                long id = join(mm.masters().findMasterId("schema:/srv/master"));
                join(mm.masters().setMasterState(id, true));
                join(mm.masters().setMasterState(id, false));
                join(mm.masters().setAllMastersActiveLongTimeAgo());
            }

            assertThat(db.snapshot()).isEqualTo(createdByBuildbot);
            assertThat(db.snapshot().tables()).doesNotContain("flyway_schema_history");
            // Buildbot still recognises its schema as current, so a Buildbot master would start.
            assertThat(buildbot.callRaw(db.buildbotUrl(), T2, true, new Operations().list())
                            .exitCode())
                    .isZero();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnADatabaseThatMultimasterCreated {

        private Map<String, List<String>> asBuildbotCreatesThem;
        private Map<String, List<String>> asMultimasterCreatesThem;

        @BeforeAll
        void letMultimasterCreateTheDatabase() throws SQLException {
            // First learn how Buildbot defines the tables that multimaster creates, on this server.
            db.database().reset();
            buildbot.createMaster(tempDir.resolve("reference"), db.buildbotUrl());
            asBuildbotCreatesThem = db.tableDefinitions(SHARED_TABLES);

            db.database().reset();
            try (DbConnector mm = open()) {
                assertThat(mm.isBuildbotSchema()).isFalse();
            }
            asMultimasterCreatesThem = db.tableDefinitions(SHARED_TABLES);
        }

        @BeforeEach
        void noMasters() throws SQLException {
            db.deleteAllMasters();
            clock.set(T1);
        }

        @Test
        void shouldLetBuildbotReadMastersThatMultimasterRegisteredAndFlipped() {
            multimasterWritesAndBuildbotReads(false);
        }

        @Test
        void shouldLetMultimasterReadMastersThatBuildbotRegisteredAndFlipped() {
            buildbotWritesAndMultimasterReads(false);
        }

        @Test
        void shouldCreateTheTablesItSharesWithBuildbotAsBuildbotDoes() {
            assertThat(asMultimasterCreatesThem.get("masters")).isNotEmpty();
            assertThat(asMultimasterCreatesThem).isEqualTo(asBuildbotCreatesThem);
        }

        @Test
        void shouldBeRefusedByBuildbotsStartupCheckBecauseBuildbotsMigrationsDidNotRun() {
            // A Buildbot master starts only on a schema its own alembic migrations stamped; the
            // masters connector works on multimaster's tables (above), but Buildbot's startup
            // asks the operator to run upgrade-master first.
            Buildbot.Result result = buildbot.callRaw(db.buildbotUrl(), T1, true, new Operations().list());

            assertThat(result.exitCode()).isNotZero();
            assertThat(result.stderr() + result.stdout()).contains("DatabaseNotReadyError");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AfterBuildbotUpgradedADatabaseThatMultimasterCreated {

        private List<MasterModel> before;

        @BeforeAll
        void createWithMultimasterThenUpgradeWithBuildbot() {
            db.database().reset();
            clock.set(T1);
            try (DbConnector mm = open()) {
                for (String name : names()) {
                    join(mm.masters().findMasterId(name));
                }
                clock.set(T2);
                long first = join(mm.masters().getMasters()).get(0).id();
                join(mm.masters().setMasterState(first, true));
                before = join(mm.masters().getMasters());
            }
            // What an operator does to run Buildbot on it: upgrade-master creates the rest of
            // Buildbot's tables beside multimaster's and stamps Buildbot's schema version.
            buildbot.upgradeMaster(tempDir.resolve("upgraded"), db.buildbotUrl());
        }

        @Test
        void shouldKeepEveryMasterMarkedActiveLongAgoAndLetBuildbotStart() throws SQLException {
            // upgrade-master marks every master active at the epoch, so that the next start of a
            // master finds them all expired and cleans up after them.
            List<Long> ids = before.stream().map(MasterModel::id).toList();
            List<Master> expected = before.stream()
                    .map(m -> new Master(m.id(), m.name(), true, Instant.EPOCH))
                    .toList();

            Session bb = buildbot.call(db.buildbotUrl(), T3, new Operations().list());
            assertThat(bb.masters()).filteredOn(m -> ids.contains(m.id())).containsExactlyElementsOf(expected);
            assertThat(bb.rows()).filteredOn(r -> ids.contains(r.id())).containsExactlyElementsOf(asRows(expected));

            try (DbConnector mm = open()) {
                assertThat(join(mm.masters().getMasters()))
                        .filteredOn(m -> ids.contains(m.id()))
                        .map(AbstractBuildbotInteropTest::asBuildbot)
                        .containsExactlyElementsOf(expected);
            }
            assertThat(db.snapshot().tables()).contains("alembic_version", "flyway_schema_history", "builds");
        }

        @Test
        void shouldLetBothRegisterAndReadMastersAfterTheUpgrade() {
            try (DbConnector mm = open()) {
                assertThat(mm.isBuildbotSchema())
                        .as("Buildbot manages the schema now: multimaster never migrates it again")
                        .isTrue();
                clock.set(T3);
                long mmId = join(mm.masters().findMasterId("after-upgrade:/srv/mm"));

                Session bb = buildbot.call(
                        db.buildbotUrl(),
                        T4,
                        new Operations()
                                .find("after-upgrade:/srv/mm")
                                .find("after-upgrade:/srv/bb")
                                .setFound(1, true));

                assertThat(bb.id(0)).isEqualTo(mmId);
                assertThat(join(mm.masters().getMaster(bb.id(1))))
                        .contains(new MasterModel(bb.id(1), "after-upgrade:/srv/bb", true, T4));
            }
        }
    }

    /**
     * multimaster registers every test name at T1, activates two at T2, deactivates one of those at
     * T3; Buildbot's connector then reads each master and the whole list.
     */
    private void multimasterWritesAndBuildbotReads(boolean buildbotVersionCheck) {
        List<String> names = names();
        List<MasterModel> written;
        try (DbConnector mm = open()) {
            MastersConnector masters = mm.masters();
            List<Long> ids = new ArrayList<>();
            clock.set(T1);
            for (String name : names) {
                ids.add(join(masters.findMasterId(name)));
            }
            clock.set(T2);
            assertThat(join(masters.setMasterState(ids.get(0), true))).isTrue();
            assertThat(join(masters.setMasterState(ids.get(1), true))).isTrue();
            clock.set(T3);
            assertThat(join(masters.setMasterState(ids.get(1), false))).isTrue();
            assertThat(join(masters.setMasterState(ids.get(2), false))).isFalse();
            written = join(masters.getMasters());

            assertThat(written)
                    .extracting(MasterModel::id, MasterModel::active, MasterModel::lastActive)
                    .startsWith(
                            tuple(ids.get(0), true, T2), tuple(ids.get(1), false, T2), tuple(ids.get(2), false, T1));
        }

        Operations reads = new Operations();
        written.forEach(m -> reads.get(m.id()));
        long missing = written.get(written.size() - 1).id() + 1000;
        reads.get(missing).list();
        Session bb = buildbot.call(db.buildbotUrl(), T4, buildbotVersionCheck, reads);

        List<Master> expected =
                written.stream().map(AbstractBuildbotInteropTest::asBuildbot).toList();
        assertThat(bb.masters()).containsExactlyElementsOf(expected);
        for (int i = 0; i < written.size(); i++) {
            assertThat(bb.master(i)).isEqualTo(expected.get(i));
        }
        assertThat(bb.master(written.size()))
                .as("getMaster(%d), no such master", missing)
                .isNull();
        assertThat(bb.rows()).containsExactlyElementsOf(asRows(expected));
    }

    /**
     * Buildbot registers every test name at T1, activates two at T2 (and registers one name again),
     * deactivates one of those at T3, all in one run; multimaster then reads each master, the whole list, and looks
     * every name up.
     */
    private void buildbotWritesAndMultimasterReads(boolean buildbotVersionCheck) {
        List<String> names = names();
        Operations operations = new Operations();
        names.forEach(operations::find);
        int n = names.size();
        operations
                .now(T2)
                .setFound(0, true)
                .setFound(1, true)
                .setFound(2, false)
                .find(names.get(0))
                .now(T3)
                .setFound(1, false);
        Session bb = buildbot.call(db.buildbotUrl(), T1, buildbotVersionCheck, operations);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(bb.id(i));
        }
        assertThat(bb.changed(n + 1)).isTrue();
        assertThat(bb.changed(n + 2)).isTrue();
        assertThat(bb.changed(n + 3)).isFalse();
        assertThat(bb.id(n + 4)).as("the same name registered again").isEqualTo(ids.get(0));
        assertThat(bb.changed(n + 6)).isTrue();
        assertThat(bb.masters())
                .extracting(Master::id, Master::active, Master::lastActive)
                .startsWith(tuple(ids.get(0), true, T2), tuple(ids.get(1), false, T2), tuple(ids.get(2), false, T1));
        assertThat(bb.rows()).containsExactlyElementsOf(asRows(bb.masters()));
        List<Master> last = bb.masters();

        try (DbConnector mm = open()) {
            MastersConnector masters = mm.masters();
            List<MasterModel> read = join(masters.getMasters());
            assertThat(read.stream()
                            .map(AbstractBuildbotInteropTest::asBuildbot)
                            .toList())
                    .containsExactlyElementsOf(last);
            for (Master m : last) {
                assertThat(join(masters.getMaster(m.id())))
                        .map(AbstractBuildbotInteropTest::asBuildbot)
                        .contains(m);
            }
            clock.set(T4);
            for (int i = 0; i < names.size(); i++) {
                assertThat(join(masters.findMasterId(names.get(i))))
                        .as("multimaster's id for '%s'", names.get(i))
                        .isEqualTo(ids.get(i));
            }
            assertThat(join(masters.getMasters()))
                    .as("nothing registered twice")
                    .isEqualTo(read);
        }
    }

    /** Master names that a careless store would mangle or confuse. */
    private List<String> names() {
        List<String> names = new ArrayList<>(List.of(
                "ビルド:マスター",
                "some:master",
                "some:Master",
                "SOME:MASTER",
                "it's a \"quoted\" name",
                "back\\slash %_ ; DROP TABLE masters; --",
                "Ünïcödé straße:/srv/ß",
                "host:/" + "very/long/basedir/".repeat(60)));
        if (db.storesFourByteCharacters()) {
            names.add("emoji 🚀");
            names.add("𝔘𝔫𝔦𝔠𝔬𝔡𝔢:/srv/𝄞");
        }
        return names;
    }

    /**
     * A builder, a worker, a buildset with three requests and their builds: on master a, build 1 is
     * running (step 11 done, step 12 running with an open log) for pending request 100 and build 2
     * finished request 101; on master b, build 3 is running for request 102 (step 31, open log).
     */
    private static void insertBuildHistory(Connection c, long a, long b) throws SQLException {
        execute(c, "INSERT INTO builders (id, name, name_hash) VALUES (1, 'slow', ?)", sha1("slow"));
        execute(c, "INSERT INTO workers (id, name, info) VALUES (1, 'w', '{}')");
        execute(c, "INSERT INTO buildsets (id, reason, submitted_at) VALUES (1, 'test', 10)");
        String request = "INSERT INTO buildrequests (id, buildsetid, builderid, complete, results, submitted_at,"
                + " complete_at) VALUES (?, 1, 1, ?, ?, 10, ?)";
        execute(c, request, 100, 0, null, null);
        execute(c, request, 101, 1, 0, 40);
        execute(c, request, 102, 0, null, null);
        String claim = "INSERT INTO buildrequest_claims (brid, masterid, claimed_at) VALUES (?, ?, 11)";
        execute(c, claim, 100, a);
        execute(c, claim, 101, a);
        execute(c, claim, 102, b);
        String build = "INSERT INTO builds (id, number, builderid, buildrequestid, workerid, masterid, started_at,"
                + " complete_at, state_string, results) VALUES (?, ?, 1, ?, 1, ?, 20, ?, 'building', ?)";
        execute(c, build, 1, 1, 100, a, null, null);
        execute(c, build, 2, 2, 101, a, 40, 0);
        execute(c, build, 3, 3, 102, b, null, null);
        String step = "INSERT INTO steps (id, number, name, buildid, started_at, complete_at, state_string, results,"
                + " urls_json, hidden) VALUES (?, ?, ?, ?, 21, ?, 'running', ?, '[]', 0)";
        execute(c, step, 11, 0, "checkout", 1, 30, 0);
        execute(c, step, 12, 1, "compile", 1, null, null);
        execute(c, step, 31, 0, "compile", 3, null, null);
        String log = "INSERT INTO logs (id, name, slug, stepid, complete, num_lines, type) VALUES (?, 'stdio', 'stdio',"
                + " ?, 0, 1, 's')";
        execute(c, log, 121, 12);
        execute(c, log, 311, 31);
    }

    private static void deleteBuildHistory(Connection c) throws SQLException {
        for (String table : List.of(
                "logs",
                "steps",
                "builds",
                "buildrequest_claims",
                "buildrequests",
                "buildsets",
                "workers",
                "builders")) {
            execute(c, "DELETE FROM " + table);
        }
    }

    private static void execute(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        }
    }

    /** Each row as a list of its columns, integers as longs. */
    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    row.add(value instanceof Number n ? (Object) n.longValue() : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private DbConnector open() {
        // The very db_url Buildbot uses: multimaster reads Buildbot's URL syntax too.
        return DbConnector.builder().url(db.buildbotUrl()).clock(clock).open();
    }

    private static Master asBuildbot(MasterModel m) {
        return new Master(m.id(), m.name(), m.active(), m.lastActive());
    }

    private static List<Row> asRows(List<Master> masters) {
        return masters.stream()
                .map(m -> new Row(
                        m.id(),
                        m.name(),
                        sha1(m.name()),
                        m.active() ? 1 : 0,
                        m.lastActive().getEpochSecond()))
                .toList();
    }

    /** Lowercase hex SHA-1 of the UTF-8 bytes: what both sides must store in {@code name_hash}. */
    private static String sha1(String name) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        assertThat(future).succeedsWithin(WAIT);
        return future.join();
    }
}
