package org.multimaster.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
