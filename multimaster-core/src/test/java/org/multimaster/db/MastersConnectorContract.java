package org.multimaster.db;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ch.qos.logback.classic.Level;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multimaster.db.ResultSpec.Operator;
import org.multimaster.db.testing.LoggedMessages;
import org.multimaster.db.testing.MutableClock;
import org.multimaster.db.testing.RawSql;
import org.multimaster.db.testing.TestDatabase;

/**
 * The behaviour every {@link MastersConnector} must have, whatever the database (SPEC §3 and §4).
 * Each backend runs it through a tiny subclass that says which {@link TestDatabase} to use; every
 * test starts from an empty database and a fixed clock.
 */
abstract class MastersConnectorContract {

    /** "Now" for the tests: deliberately not whole seconds, to prove the stored time is truncated. */
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00.750Z");

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Set<String> RESET_DATABASES = ConcurrentHashMap.newKeySet();
    private static final String HISTORY_TABLE = "flyway_schema_history";
    /** The tables of a new database, link tables first. */
    private static final List<String> OWN_TABLES = List.of(
            "scheduler_masters", "changesource_masters", "schedulers", "changesources", "masters", HISTORY_TABLE);

    @TempDir
    Path tempDir;

    TestDatabase database;
    RawSql raw;
    MutableClock clock;

    private final List<DbConnector> opened = new ArrayList<>();
    private MastersConnector masters;

    /** The database this backend runs the contract on. */
    abstract TestDatabase database(Path tempDir);

    @BeforeEach
    void resetDatabase() {
        database = database(tempDir);
        raw = new RawSql(database);
        // reset() recreates the whole database (slow on PostgreSQL) and skips the suite when the
        // server is unreachable: once per database. After that, a database that holds exactly the
        // schema the connector creates is emptied row by row, which spares the next test the
        // migration; anything else (Buildbot tables, dropped tables) is dropped.
        if (RESET_DATABASES.contains(database.url())) {
            Set<String> tables = raw.tables();
            if (tables.equals(Set.copyOf(OWN_TABLES))) {
                raw.emptyTables(OWN_TABLES.stream()
                        .filter(t -> !t.equals(HISTORY_TABLE))
                        .toList());
            } else {
                raw.dropAllTables();
            }
        } else {
            database.reset();
            RESET_DATABASES.add(database.url());
        }
        clock = new MutableClock(NOW);
    }

    @AfterEach
    void closeConnectors() {
        opened.forEach(DbConnector::close);
        raw.close();
    }

    /** Starts the test from a database without any table, as a new database is. */
    void withoutTables() {
        raw.dropAllTables();
        assertThat(raw.tables()).isEmpty();
    }

    /** The connector under test, opened on first use so that a test can prepare tables first. */
    MastersConnector masters() {
        if (masters == null) {
            masters = open(DbConnector.Builder.DEFAULT_POOL_SIZE).masters();
        }
        return masters;
    }

    DbConnector open(int poolSize) {
        DbConnector connector = DbConnector.builder()
                .url(database.url())
                .clock(clock)
                .poolSize(poolSize)
                .open();
        opened.add(connector);
        return connector;
    }

    static <T> T await(CompletableFuture<T> future) {
        assertThat(future).succeedsWithin(TIMEOUT);
        return future.join();
    }

    long register(String name) {
        return await(masters().findMasterId(name));
    }

    boolean setState(long id, boolean active) {
        return await(masters().setMasterState(id, active));
    }

    MasterModel master(long id) {
        return await(masters().getMaster(id)).orElseThrow();
    }

    Map<String, Object> masterRow(long id) {
        List<Map<String, Object>> rows =
                raw.rows("SELECT id, name, name_hash, active, last_active FROM masters WHERE id = ?", id);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    List<Map<String, Object>> allMasterRows() {
        return raw.rows("SELECT id, name, name_hash, active, last_active FROM masters ORDER BY id");
    }

    static String sha1(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static Instant seconds(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds);
    }

    @Test
    void shouldGiveUpWithDatabaseIsLockedOnceAnotherProcessHeldTheLockForTheBusyTimeout() throws Exception {
        assertLockedForOneSecond(database.url(), Duration.ofSeconds(1));
    }

    @Test
    void shouldLetTheUrlsOwnLockTimeoutWinOverTheBusyTimeout() throws Exception {
        String own = switch (database.kind()) {
            case SQLITE -> database.url() + "?busy_timeout=1000";
            case POSTGRESQL -> database.url() + "&options=-c%20lock_timeout=1000";
            case MYSQL -> database.url() + "&sessionVariables=innodb_lock_wait_timeout=1,lock_wait_timeout=1";
        };
        assertLockedForOneSecond(own, Duration.ofSeconds(20));
    }

    /**
     * Opens a connector on {@code url} with {@code busyTimeout}, and checks that while another
     * process holds the lock on {@code masters} an activation fails, once, after one second.
     */
    void assertLockedForOneSecond(String url, Duration busyTimeout) throws Exception {
        long id = register("host:/a");
        DbConnector impatient = DbConnector.builder()
                .url(url)
                .clock(clock)
                .busyTimeout(busyTimeout)
                .open();
        opened.add(impatient);
        CompletableFuture<Boolean> activation;
        long started = System.nanoTime();
        try (AutoCloseable lock = database.lockMastersTable()) {
            activation = impatient.masters().setMasterState(id, true);
            assertThat(activation).failsWithin(TIMEOUT);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThatThrownBy(activation::join)
                .hasCauseInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("cannot mark master " + id + " active on ")
                .hasMessageContaining(": database is locked (busy for 1 s): another process holds ")
                .hasMessageContaining(" try again when it has finished; nothing was changed");
        assertThat(waited).as("not retried: it waited once").isLessThan(Duration.ofSeconds(4));
        assertThat(await(masters().getMaster(id)).orElseThrow().active()).isFalse();
    }

    // ---------------------------------------------------------------- findMasterId

    @Nested
    class FindMasterId {

        @Test
        void shouldInsertNewMasterInactiveWithLastActiveAsNowInWholeSeconds() {
            long id = register("some:master");

            assertThat(master(id)).isEqualTo(new MasterModel(id, "some:master", false, seconds(NOW.getEpochSecond())));
            assertThat(masterRow(id))
                    .containsEntry("name", "some:master")
                    .containsEntry("active", 0L)
                    .containsEntry("last_active", NOW.getEpochSecond());
            assertThat(raw.count("masters")).isEqualTo(1);
        }

        @Test
        void shouldReturnSameIdWhenTheSameNameRegistersAgainWithoutTouchingTheRow() {
            long id = register("some:master");
            clock.advance(Duration.ofMinutes(5));

            assertThat(register("some:master")).isEqualTo(id);
            assertThat(raw.count("masters")).isEqualTo(1);
            assertThat(masterRow(id)).containsEntry("last_active", NOW.getEpochSecond());
        }

        @Test
        void shouldGiveDistinctIdsToDistinctNames() {
            long first = register("host-a:/srv/master");
            long second = register("host-b:/srv/master");

            assertThat(first).isNotEqualTo(second);
            assertThat(register("host-a:/srv/master")).isEqualTo(first);
            assertThat(register("host-b:/srv/master")).isEqualTo(second);
        }

        @Test
        void shouldRegisterNamesDifferingOnlyByCaseAsDistinctMasters() {
            long lower = register("some:master");
            long mixed = register("some:Master");
            long upper = register("SOME:MASTER");

            assertThat(List.of(lower, mixed, upper)).doesNotHaveDuplicates();
            assertThat(raw.count("masters")).isEqualTo(3);
            assertThat(register("some:Master")).isEqualTo(mixed);
            assertThat(register("SOME:MASTER")).isEqualTo(upper);
            assertThat(register("some:master")).isEqualTo(lower);
            assertThat(master(mixed).name()).isEqualTo("some:Master");
        }

        @Test
        void shouldStoreNameHashAsLowercaseHexSha1OfUtf8Name() {
            long master = register("master");
            long someMaster = register("some:master");
            long unicode = register("μaster:/ü");

            assertThat(masterRow(master)).containsEntry("name_hash", "4f26aeafdb2367620a393c973eddbe8f8b846ebd");
            assertThat(masterRow(someMaster)).containsEntry("name_hash", "a1ac9c28da72b767e3fb9667e4103c471de0dfa6");
            assertThat(masterRow(unicode)).containsEntry("name_hash", sha1("μaster:/ü"));
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "🚀 rocket:/var/lib/buildbot",
                    "构建主机:/srv/ビルド",
                    "e\u0301 combining acute",
                    "it's \"quoted\"",
                    "back\\slash\\\\double",
                    "'; DROP TABLE masters; --",
                    "100%",
                    "%",
                    "_",
                    "a_b%c",
                    "  padded name  ",
                    "tab\tand\nnewline"
                })
        void shouldStoreAndReturnNameVerbatim(String name) {
            long id = register(name);

            assertThat(master(id).name()).isEqualTo(name);
            assertThat(masterRow(id)).containsEntry("name", name).containsEntry("name_hash", sha1(name));
            assertThat(register(name)).isEqualTo(id);
            assertThat(raw.tables()).contains("masters");
            assertThat(raw.count("masters")).isEqualTo(1);
        }

        @Test
        void shouldStoreLongNameVerbatim() {
            String name = "host:/" + "very/deep/".repeat(300) + "basedir";

            long id = register(name);

            assertThat(master(id).name()).isEqualTo(name);
            assertThat(register(name)).isEqualTo(id);
        }

        @Test
        void shouldTreatComposedAndDecomposedAccentsAsDistinctNames() {
            long composed = register("caf\u00e9");
            long decomposed = register("cafe\u0301");

            assertThat(composed).isNotEqualTo(decomposed);
            assertThat(master(composed).name()).isEqualTo("caf\u00e9");
            assertThat(master(decomposed).name()).isEqualTo("cafe\u0301");
        }

        @Test
        void shouldNotTreatLikeWildcardsAsWildcards() {
            long underscore = register("a_b");
            long percent = register("a%");

            assertThat(register("axb")).isNotEqualTo(underscore);
            assertThat(register("abc")).isNotEqualTo(percent);
            assertThat(raw.count("masters")).isEqualTo(4);
        }

        @Test
        void shouldStoreANameWithANulCharacterWhereTheDatabaseCanAndRefuseItAtOnceWhereItCannot() {
            String name = "host:/a\u0000b";
            masters();

            if (database.kind() == DatabaseKind.POSTGRESQL) {
                // PostgreSQL's text cannot hold the character; Buildbot fails there too, in its driver.
                assertThatThrownBy(() -> masters().findMasterId(name))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("master name 'host:/a\\0b' holds the NUL character (\\0), which PostgreSQL"
                                + " cannot store; use a name without it");
                assertThat(raw.count("masters")).isZero();
            } else {
                long id = register(name);
                assertThat(master(id).name()).isEqualTo(name);
                assertThat(register(name)).isEqualTo(id);
                assertThat(register("host:/a")).isNotEqualTo(id);
            }
        }

        @Test
        void shouldRefuseANameThatIsNotUnicodeAtOnceAndWriteNothing() {
            masters();

            assertThatThrownBy(() -> masters().findMasterId("host:/a\ud800"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("master name 'host:/a\\ud800' holds an unpaired surrogate (\\ud800), which no"
                            + " database can store as text; use a name of Unicode characters");
            assertThat(raw.count("masters")).isZero();
        }

        @Test
        void shouldThrowNullPointerExceptionAtOnceForNullNameAndWriteNothing() {
            masters();

            assertThatThrownBy(() -> masters().findMasterId(null)).isInstanceOf(NullPointerException.class);
            assertThat(raw.count("masters")).isZero();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "   ", "\t", "\n \t"})
        void shouldThrowIllegalArgumentExceptionAtOnceForBlankNameAndWriteNothing(String blank) {
            masters();

            assertThatThrownBy(() -> masters().findMasterId(blank)).isInstanceOf(IllegalArgumentException.class);
            assertThat(raw.count("masters")).isZero();
        }
    }

    // ---------------------------------------------------------------- setMasterState

    @Nested
    class SetMasterState {

        @Test
        void shouldActivateInactiveMasterAndSetLastActiveToNow() {
            long id = register("m");
            clock.advance(Duration.ofMillis(90_300));
            Instant later = clock.instant();

            assertThat(setState(id, true)).isTrue();

            assertThat(master(id)).isEqualTo(new MasterModel(id, "m", true, seconds(later.getEpochSecond())));
            assertThat(masterRow(id)).containsEntry("active", 1L).containsEntry("last_active", later.getEpochSecond());
        }

        @Test
        void shouldUpdateLastActiveButReportNoChangeWhenActivatingActiveMaster() {
            long id = register("m");
            setState(id, true);
            clock.advance(Duration.ofSeconds(60));

            assertThat(setState(id, true)).isFalse();

            assertThat(master(id).active()).isTrue();
            assertThat(master(id).lastActive()).isEqualTo(seconds(NOW.getEpochSecond() + 60));
        }

        @Test
        void shouldDeactivateActiveMasterAndLeaveLastActiveUnchanged() {
            long id = register("m");
            clock.advance(Duration.ofSeconds(30));
            setState(id, true);
            long activatedAt = clock.instant().getEpochSecond();
            clock.advance(Duration.ofMinutes(15));

            assertThat(setState(id, false)).isTrue();

            assertThat(master(id)).isEqualTo(new MasterModel(id, "m", false, seconds(activatedAt)));
            assertThat(masterRow(id)).containsEntry("active", 0L).containsEntry("last_active", activatedAt);
        }

        @Test
        void shouldReportNoChangeWhenDeactivatingInactiveMaster() {
            long id = register("m");
            clock.advance(Duration.ofMinutes(15));

            assertThat(setState(id, false)).isFalse();

            assertThat(master(id)).isEqualTo(new MasterModel(id, "m", false, seconds(NOW.getEpochSecond())));
        }

        @Test
        void shouldFlipBackAndForthReportingEachChange() {
            long id = register("m");

            assertThat(setState(id, true)).isTrue();
            assertThat(setState(id, false)).isTrue();
            assertThat(setState(id, false)).isFalse();
            assertThat(setState(id, true)).isTrue();
            assertThat(setState(id, true)).isFalse();
        }

        @Test
        void shouldReportNoChangeAndWriteNothingForMissingMaster() {
            long id = register("m");
            setState(id, true);
            List<Map<String, Object>> before = allMasterRows();
            clock.advance(Duration.ofMinutes(1));

            assertThat(setState(id + 1000, true)).isFalse();
            assertThat(setState(id + 1000, false)).isFalse();
            assertThat(setState(-1, true)).isFalse();

            assertThat(allMasterRows()).isEqualTo(before);
            assertThat(await(masters().getMaster(id + 1000))).isEmpty();
        }

        @Test
        void shouldDeleteOnlyThisMastersSchedulerAndChangeSourceLinksWhenDeactivated() {
            long a = register("a");
            long b = register("b");
            setState(a, true);
            setState(b, true);
            insertComponentsAndLinks(a, b);

            assertThat(setState(a, false)).isTrue();

            assertThat(links("scheduler_masters", "schedulerid")).containsExactly(List.of(2L, b));
            assertThat(links("changesource_masters", "changesourceid")).containsExactly(List.of(2L, b));
            assertThat(raw.count("schedulers")).isEqualTo(3);
            assertThat(raw.count("changesources")).isEqualTo(2);
            assertThat(master(b).active()).isTrue();
        }

        @Test
        void shouldKeepLinksWhenActivating() {
            long a = register("a");
            long b = register("b");
            insertComponentsAndLinks(a, b);

            assertThat(setState(a, true)).isTrue();
            assertThat(setState(a, true)).isFalse();

            assertThat(raw.count("scheduler_masters")).isEqualTo(3);
            assertThat(raw.count("changesource_masters")).isEqualTo(2);
        }

        @Test
        void shouldDeleteStaleLinksEvenWhenMasterWasAlreadyInactive() {
            long a = register("a");
            long b = register("b");
            insertComponentsAndLinks(a, b);

            assertThat(setState(a, false)).isFalse();

            assertThat(links("scheduler_masters", "schedulerid")).containsExactly(List.of(2L, b));
            assertThat(links("changesource_masters", "changesourceid")).containsExactly(List.of(2L, b));
        }

        @Test
        void shouldDeleteThisMastersRowsInEveryLinkTableButNeverBuildsWhenDeactivated() {
            createOptionalBuildbotLinkTables();
            long a = register("a");
            long b = register("b");
            setState(a, true);
            setState(b, true);
            insertComponentsAndLinks(a, b);
            raw.update("INSERT INTO builder_masters (id, builderid, masterid) VALUES (?, ?, ?)", 1, 1, a);
            raw.update("INSERT INTO builder_masters (id, builderid, masterid) VALUES (?, ?, ?)", 2, 2, a);
            raw.update("INSERT INTO builder_masters (id, builderid, masterid) VALUES (?, ?, ?)", 3, 1, b);
            raw.update("INSERT INTO configured_workers (id, buildermasterid, workerid) VALUES (?, ?, ?)", 1, 1, 10);
            raw.update("INSERT INTO configured_workers (id, buildermasterid, workerid) VALUES (?, ?, ?)", 2, 2, 11);
            raw.update("INSERT INTO configured_workers (id, buildermasterid, workerid) VALUES (?, ?, ?)", 3, 3, 10);
            raw.update("INSERT INTO connected_workers (id, masterid, workerid) VALUES (?, ?, ?)", 1, a, 10);
            raw.update("INSERT INTO connected_workers (id, masterid, workerid) VALUES (?, ?, ?)", 2, b, 11);
            for (int brid = 100; brid <= 102; brid++) {
                insertBuildRequest(brid, false);
            }
            raw.update("INSERT INTO buildrequest_claims (brid, masterid, claimed_at) VALUES (?, ?, ?)", 100, a, 5);
            raw.update("INSERT INTO buildrequest_claims (brid, masterid, claimed_at) VALUES (?, ?, ?)", 101, b, 6);
            raw.update("INSERT INTO buildrequest_claims (brid, masterid, claimed_at) VALUES (?, ?, ?)", 102, a, 7);
            raw.update(
                    "INSERT INTO builds (id, number, builderid, buildrequestid, workerid, masterid, started_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    1,
                    1,
                    1,
                    100,
                    10,
                    a,
                    5);
            raw.update(
                    "INSERT INTO builds (id, number, builderid, buildrequestid, workerid, masterid, started_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    2,
                    1,
                    1,
                    101,
                    11,
                    b,
                    6);

            assertThat(setState(a, false)).isTrue();

            assertThat(raw.rows("SELECT id, masterid FROM builder_masters ORDER BY id"))
                    .containsExactly(Map.of("id", 3L, "masterid", b));
            assertThat(raw.rows("SELECT id, buildermasterid FROM configured_workers ORDER BY id"))
                    .containsExactly(Map.of("id", 3L, "buildermasterid", 3L));
            assertThat(raw.rows("SELECT id, masterid FROM connected_workers ORDER BY id"))
                    .containsExactly(Map.of("id", 2L, "masterid", b));
            assertThat(raw.rows("SELECT brid, masterid FROM buildrequest_claims ORDER BY brid"))
                    .containsExactly(Map.of("brid", 101L, "masterid", b));
            assertThat(raw.rows("SELECT id, masterid FROM builds ORDER BY id"))
                    .containsExactly(Map.of("id", 1L, "masterid", a), Map.of("id", 2L, "masterid", b));
            assertThat(links("scheduler_masters", "schedulerid")).containsExactly(List.of(2L, b));
            assertThat(links("changesource_masters", "changesourceid")).containsExactly(List.of(2L, b));
        }

        @Test
        void shouldDeactivateWhenOptionalLinkTablesAreAbsent() {
            long a = register("a");
            long b = register("b");
            setState(a, true);
            insertComponentsAndLinks(a, b);
            Set<String> tablesBefore = raw.tables();

            assertThat(tablesBefore)
                    .doesNotContain(
                            "builder_masters",
                            "configured_workers",
                            "connected_workers",
                            "buildrequest_claims",
                            "builds");
            assertThat(setState(a, false)).isTrue();

            assertThat(master(a).active()).isFalse();
            assertThat(links("scheduler_masters", "schedulerid")).containsExactly(List.of(2L, b));
            assertThat(raw.tables()).isEqualTo(tablesBefore);
        }

        @Test
        void shouldRollBackDeactivationWhenALinkTableCannotBeCleaned() {
            long a = register("a");
            long b = register("b");
            setState(a, true);
            insertComponentsAndLinks(a, b);
            // The connector saw changesource_masters when it opened; without it the cleanup fails
            // after scheduler_masters was already cleaned, and the whole change must be undone.
            raw.execute("DROP TABLE changesource_masters");

            assertFailsWithDatabaseError(masters().setMasterState(a, false));

            assertThat(master(a).active()).isTrue();
            assertThat(raw.count("scheduler_masters")).isEqualTo(3);
        }

        private void insertComponentsAndLinks(long a, long b) {
            for (int i = 1; i <= 3; i++) {
                raw.update(
                        "INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (?, ?, ?, 1)",
                        i,
                        "scheduler" + i,
                        sha1("scheduler" + i));
            }
            for (int i = 1; i <= 2; i++) {
                raw.update(
                        "INSERT INTO changesources (id, name, name_hash) VALUES (?, ?, ?)",
                        i,
                        "changesource" + i,
                        sha1("changesource" + i));
            }
            raw.update("INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (?, ?)", 1, a);
            raw.update("INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (?, ?)", 2, b);
            raw.update("INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (?, ?)", 3, a);
            raw.update("INSERT INTO changesource_masters (changesourceid, masterid) VALUES (?, ?)", 1, a);
            raw.update("INSERT INTO changesource_masters (changesourceid, masterid) VALUES (?, ?)", 2, b);
        }

        private List<List<Long>> links(String table, String idColumn) {
            return raw.rows("SELECT " + idColumn + ", masterid FROM " + table + " ORDER BY " + idColumn).stream()
                    .map(row -> List.of((Long) row.get(idColumn), (Long) row.get("masterid")))
                    .toList();
        }
    }

    /**
     * Buildbot's optional link tables and the build history tables ({@code buildrequests},
     * {@code builds}, {@code steps}, {@code logs}), with Buildbot's column names; created before the
     * connector opens, because it detects tables when it opens.
     */
    void createOptionalBuildbotLinkTables() {
        raw.createOptionalBuildbotTables();
    }

    void insertBuildRequest(long id, boolean complete) {
        raw.update(
                "INSERT INTO buildrequests (id, buildsetid, builderid, complete, results, submitted_at, complete_at)"
                        + " VALUES (?, 1, 1, ?, ?, 1, ?)",
                id,
                complete ? 1 : 0,
                complete ? 0 : null,
                complete ? 60 : null);
    }

    /** A build of {@code master}; running when {@code completeAt} is null. */
    void insertBuild(long id, long master, Long completeAt, Integer results) {
        raw.update(
                "INSERT INTO builds (id, number, builderid, buildrequestid, workerid, masterid, started_at,"
                        + " complete_at, state_string, results) VALUES (?, ?, 1, 100, 10, ?, 5, ?, 'building', ?)",
                id,
                id,
                master,
                completeAt,
                results);
    }

    /** A step of {@code build}; unfinished when {@code results} is null. */
    void insertStep(long id, long build, Long completeAt, Integer results, int hidden) {
        raw.update(
                "INSERT INTO steps (id, number, name, buildid, started_at, complete_at, state_string, results,"
                        + " urls_json, hidden) VALUES (?, ?, ?, ?, 6, ?, 'running', ?, '[]', ?)",
                id,
                id,
                "step" + id,
                build,
                completeAt,
                results,
                hidden);
    }

    void insertLog(long id, long step, boolean complete) {
        raw.update(
                "INSERT INTO logs (id, name, slug, stepid, complete, num_lines, type) VALUES (?, ?, ?, ?, ?, 3, 's')",
                id,
                "log" + id,
                "log" + id,
                step,
                complete ? 1 : 0);
    }

    /** Map.of does not take nulls; rows read back hold them. */
    static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    /**
     * What the winner of a deactivation does for the dead master's builds and build requests, as
     * Buildbot's housekeeping of a deactivated master does, but in the transaction of the state
     * change (issue 6).
     */
    @Nested
    class Housekeeping {

        final long now = NOW.getEpochSecond();
        long a;
        long b;

        @BeforeEach
        void twoActiveMastersOnBuildbotTables() {
            createOptionalBuildbotLinkTables();
            a = register("a");
            b = register("b");
            setState(a, true);
            setState(b, true);
        }

        @Test
        void shouldFinishOnlyTheRunningBuildsOfTheDeactivatedMasterAsRetry() {
            insertBuild(1, a, null, null); // running on a
            insertStep(11, 1, 90L, 0, 0); // finished
            insertLog(111, 11, true);
            insertStep(12, 1, null, null, 1); // running, hidden
            insertLog(121, 12, false);
            insertLog(122, 12, true);
            insertStep(13, 1, null, null, 0); // not started yet
            insertBuild(2, a, 80L, 2); // finished on a: history
            insertStep(21, 2, null, null, 0);
            insertLog(211, 21, false);
            insertBuild(3, b, null, null); // running on b, which stays active
            insertStep(31, 3, null, null, 0);
            insertLog(311, 31, false);

            assertThat(setState(a, false)).isTrue();

            assertThat(raw.rows("SELECT id, complete_at, results FROM builds ORDER BY id"))
                    .containsExactly(
                            row("id", 1L, "complete_at", now, "results", 5L),
                            row("id", 2L, "complete_at", 80L, "results", 2L),
                            row("id", 3L, "complete_at", null, "results", null));
            assertThat(raw.rows("SELECT id, complete_at, results, hidden FROM steps ORDER BY id"))
                    .containsExactly(
                            row("id", 11L, "complete_at", 90L, "results", 0L, "hidden", 0L),
                            row("id", 12L, "complete_at", now, "results", 5L, "hidden", 0L),
                            row("id", 13L, "complete_at", now, "results", 5L, "hidden", 0L),
                            row("id", 21L, "complete_at", null, "results", null, "hidden", 0L),
                            row("id", 31L, "complete_at", null, "results", null, "hidden", 0L));
            assertThat(raw.rows("SELECT id, complete FROM logs ORDER BY id"))
                    .containsExactly(
                            row("id", 111L, "complete", 1L),
                            row("id", 121L, "complete", 1L),
                            row("id", 122L, "complete", 1L),
                            row("id", 211L, "complete", 0L),
                            row("id", 311L, "complete", 0L));
        }

        @Test
        void shouldReleaseTheDeactivatedMastersClaimsOnPendingRequestsOnly() {
            insertBuildRequest(100, false);
            insertBuildRequest(101, false);
            insertBuildRequest(102, true);
            insertBuildRequest(103, false);
            raw.update("INSERT INTO buildrequest_claims (brid, masterid, claimed_at) VALUES (?, ?, ?)", 100, a, 5);
            raw.update("INSERT INTO buildrequest_claims (brid, masterid, claimed_at) VALUES (?, ?, ?)", 101, b, 6);
            raw.update("INSERT INTO buildrequest_claims (brid, masterid, claimed_at) VALUES (?, ?, ?)", 102, a, 7);
            List<Map<String, Object>> requestsBefore = raw.rows("SELECT * FROM buildrequests ORDER BY id");

            assertThat(setState(a, false)).isTrue();

            assertThat(raw.rows("SELECT brid, masterid, claimed_at FROM buildrequest_claims ORDER BY brid"))
                    .as("the pending request of a is released; b's claim and the claim on a completed request stay")
                    .containsExactly(
                            row("brid", 101L, "masterid", b, "claimed_at", 6L),
                            row("brid", 102L, "masterid", a, "claimed_at", 7L));
            assertThat(raw.rows("SELECT * FROM buildrequests ORDER BY id"))
                    .as("the requests themselves stay as they are, to be built again")
                    .isEqualTo(requestsBefore);
        }

        @Test
        void shouldLeaveBuildsAsTheyAreWhenTheDeactivationChangesNothing() {
            assertThat(setState(a, false)).isTrue();
            insertBuild(1, a, null, null);
            insertStep(11, 1, null, null, 0);
            insertLog(111, 11, false);

            assertThat(setState(a, false)).as("already inactive").isFalse();

            assertThat(raw.rows("SELECT complete_at, results FROM builds"))
                    .containsExactly(row("complete_at", null, "results", null));
            assertThat(raw.rows("SELECT results FROM steps")).containsExactly(row("results", null));
            assertThat(raw.rows("SELECT complete FROM logs")).containsExactly(row("complete", 0L));
        }

        @Test
        void shouldUndoTheWholeDeactivationWhenItsBuildsCannotBeFinished() {
            insertBuildRequest(100, false);
            raw.update("INSERT INTO buildrequest_claims (brid, masterid, claimed_at) VALUES (?, ?, ?)", 100, a, 5);
            raw.update("INSERT INTO connected_workers (id, masterid, workerid) VALUES (?, ?, ?)", 1, a, 10);
            insertBuild(1, a, null, null);
            // The connector saw the logs table when it opened; without it the housekeeping fails after
            // the links were deleted and the state changed, and all of it must be undone.
            raw.execute("DROP TABLE logs");

            assertFailsWithDatabaseError(masters().setMasterState(a, false));

            assertThat(master(a).active()).isTrue();
            assertThat(raw.count("buildrequest_claims")).isEqualTo(1);
            assertThat(raw.count("connected_workers")).isEqualTo(1);
            assertThat(raw.rows("SELECT complete_at, results FROM builds"))
                    .containsExactly(row("complete_at", null, "results", null));
        }

        @Test
        void shouldTakeCompleteAtFromTheDatabaseClockWhenTimeComesFromTheDatabase() {
            insertBuild(1, a, null, null);
            DbConnector databaseTime = DbConnector.builder()
                    .url(database.url())
                    .clock(clock) // far from the database server's time
                    .timeSource(TimeSource.DATABASE)
                    .open();
            opened.add(databaseTime);
            long before = java.time.Instant.now().getEpochSecond();

            assertThat(await(databaseTime.masters().setMasterState(a, false))).isTrue();

            long completeAt = raw.queryLong("SELECT complete_at FROM builds WHERE id = 1");
            assertThat(completeAt).isBetween(before - 2, java.time.Instant.now().getEpochSecond() + 2);
        }
    }

    // ---------------------------------------------------------------- getMaster / getMasters

    @Nested
    class GetMasters {

        @Test
        void shouldReturnEmptyWhenMasterIsMissing() {
            assertThat(await(masters().getMaster(1))).isEmpty();
            long id = register("m");
            assertThat(await(masters().getMaster(id + 1))).isEmpty();
            assertThat(await(masters().getMaster(id))).isPresent();
        }

        @Test
        void shouldReturnEmptyListWhenThereAreNoMasters() {
            assertThat(await(masters().getMasters())).isEmpty();
            assertThat(await(masters().getMasters(ResultSpec.all())))
                    .isEqualTo(new ListResult<MasterModel>(List.of(), 0, 0, null));
        }

        @Test
        void shouldListAllMastersOrderedById() {
            long zeta = register("zeta");
            long alpha = register("alpha");
            setState(alpha, true);
            long mid = register("Mid");

            assertThat(await(masters().getMasters()))
                    .containsExactly(
                            new MasterModel(zeta, "zeta", false, seconds(NOW.getEpochSecond())),
                            new MasterModel(alpha, "alpha", true, seconds(NOW.getEpochSecond())),
                            new MasterModel(mid, "Mid", false, seconds(NOW.getEpochSecond())));
            assertThat(List.of(zeta, alpha, mid)).isSorted();
        }
    }

    // ---------------------------------------------------------------- getMasters(ResultSpec)

    /**
     * Five masters whose names sort differently by bytes than by any case-insensitive collation,
     * and whose states and check-in times make each operator select a distinct set.
     */
    @Nested
    class Query {

        MasterModel alpha; // active, last_active 1000
        MasterModel upperBeta; // inactive, 2000
        MasterModel beta; // active, 3000
        MasterModel gamma; // inactive, 3000
        MasterModel aerger; // active, 5000
        List<MasterModel> all;

        @BeforeEach
        void registerMasters() {
            alpha = create("alpha:/a", true, 1000);
            upperBeta = create("Beta:/b", false, 2000);
            beta = create("beta:/b", true, 3000);
            gamma = create("gamma:/c_x", false, 3000);
            aerger = create("Ärger:/d%", true, 5000);
            all = List.of(alpha, upperBeta, beta, gamma, aerger);
        }

        private MasterModel create(String name, boolean active, long lastActive) {
            clock.set(seconds(lastActive));
            long id = register(name);
            if (active) {
                setState(id, true);
            }
            return master(id);
        }

        private ListResult<MasterModel> query(ResultSpec spec) {
            return await(masters().getMasters(spec));
        }

        private List<MasterModel> filtered(String field, Operator op, Object... values) {
            ListResult<MasterModel> result =
                    query(ResultSpec.builder().filter(field, op, values).build());
            assertThat(result.total()).isEqualTo(result.items().size());
            return result.items();
        }

        private List<MasterModel> ordered(String... keys) {
            return query(ResultSpec.builder().order(keys).build()).items();
        }

        private List<MasterModel> orderedContaining(String namePart, String... keys) {
            return query(ResultSpec.builder()
                            .filter("name", Operator.CONTAINS, namePart)
                            .order(keys)
                            .build())
                    .items();
        }

        @Test
        void shouldReturnEveryMasterInIdOrderWithoutOptions() {
            assertThat(query(ResultSpec.all())).isEqualTo(new ListResult<>(all, 5, 0, null));
            assertThat(alpha.id() < upperBeta.id() && upperBeta.id() < beta.id())
                    .isTrue();
            assertThat(alpha).isEqualTo(new MasterModel(alpha.id(), "alpha:/a", true, seconds(1000)));
            assertThat(gamma).isEqualTo(new MasterModel(gamma.id(), "gamma:/c_x", false, seconds(3000)));
        }

        @Test
        void shouldFilterMasteridWithEveryOperator() {
            long id = beta.id();
            assertThat(filtered("masterid", Operator.EQ, id)).containsExactly(beta);
            assertThat(filtered("masterid", Operator.EQ, String.valueOf(id))).containsExactly(beta);
            assertThat(filtered("masterid", Operator.EQ, (int) id)).containsExactly(beta);
            assertThat(filtered("masterid", Operator.NE, id)).containsExactly(alpha, upperBeta, gamma, aerger);
            assertThat(filtered("masterid", Operator.LT, id)).containsExactly(alpha, upperBeta);
            assertThat(filtered("masterid", Operator.LE, id)).containsExactly(alpha, upperBeta, beta);
            assertThat(filtered("masterid", Operator.GT, id)).containsExactly(gamma, aerger);
            assertThat(filtered("masterid", Operator.GE, id)).containsExactly(beta, gamma, aerger);
            assertThat(filtered("masterid", Operator.IN, id)).containsExactly(beta);
            assertThat(filtered("masterid", Operator.NOTIN, id)).containsExactly(alpha, upperBeta, gamma, aerger);
            assertThat(filtered("masterid", Operator.EQ, 999_999L)).isEmpty();
        }

        @Test
        void shouldFilterMasteridWithSeveralValues() {
            Object[] ids = {alpha.id(), String.valueOf(aerger.id()), 999_999L};
            assertThat(filtered("masterid", Operator.EQ, ids)).containsExactly(alpha, aerger);
            assertThat(filtered("masterid", Operator.IN, ids)).containsExactly(alpha, aerger);
            assertThat(filtered("masterid", Operator.NE, ids)).containsExactly(upperBeta, beta, gamma);
            assertThat(filtered("masterid", Operator.NOTIN, ids)).containsExactly(upperBeta, beta, gamma);
        }

        @Test
        void shouldFilterNameWithEveryOperatorCaseSensitivelyInByteOrder() {
            // Byte order: "Beta:/b" < "alpha:/a" < "beta:/b" < "gamma:/c_x" < "Ärger:/d%".
            assertThat(filtered("name", Operator.EQ, "beta:/b")).containsExactly(beta);
            assertThat(filtered("name", Operator.EQ, "Beta:/b")).containsExactly(upperBeta);
            assertThat(filtered("name", Operator.EQ, "BETA:/B")).isEmpty();
            assertThat(filtered("name", Operator.NE, "beta:/b")).containsExactly(alpha, upperBeta, gamma, aerger);
            assertThat(filtered("name", Operator.LT, "beta:/b")).containsExactly(alpha, upperBeta);
            assertThat(filtered("name", Operator.LE, "beta:/b")).containsExactly(alpha, upperBeta, beta);
            assertThat(filtered("name", Operator.GT, "beta:/b")).containsExactly(gamma, aerger);
            assertThat(filtered("name", Operator.GE, "beta:/b")).containsExactly(beta, gamma, aerger);
            assertThat(filtered("name", Operator.LT, "a")).containsExactly(upperBeta);
            assertThat(filtered("name", Operator.GT, "z")).containsExactly(aerger);
            assertThat(filtered("name", Operator.IN, "gamma:/c_x")).containsExactly(gamma);
            assertThat(filtered("name", Operator.NOTIN, "gamma:/c_x")).containsExactly(alpha, upperBeta, beta, aerger);
        }

        @Test
        void shouldFilterNameWithSeveralValues() {
            Object[] names = {"alpha:/a", "Ärger:/d%", "ALPHA:/A", "nobody"};
            assertThat(filtered("name", Operator.EQ, names)).containsExactly(alpha, aerger);
            assertThat(filtered("name", Operator.IN, names)).containsExactly(alpha, aerger);
            assertThat(filtered("name", Operator.NE, names)).containsExactly(upperBeta, beta, gamma);
            assertThat(filtered("name", Operator.NOTIN, names)).containsExactly(upperBeta, beta, gamma);
        }

        @Test
        void shouldFilterNameContainsAsCaseSensitiveSubstring() {
            assertThat(filtered("name", Operator.CONTAINS, "eta")).containsExactly(upperBeta, beta);
            assertThat(filtered("name", Operator.CONTAINS, "Beta")).containsExactly(upperBeta);
            assertThat(filtered("name", Operator.CONTAINS, "BETA")).isEmpty();
            assertThat(filtered("name", Operator.CONTAINS, "alpha:/a")).containsExactly(alpha);
            assertThat(filtered("name", Operator.CONTAINS, "Ärg")).containsExactly(aerger);
            assertThat(filtered("name", Operator.CONTAINS, "ärg")).isEmpty();
            assertThat(filtered("name", Operator.CONTAINS, ":/")).containsExactlyElementsOf(all);
            // LIKE wildcards are plain characters.
            assertThat(filtered("name", Operator.CONTAINS, "%")).containsExactly(aerger);
            assertThat(filtered("name", Operator.CONTAINS, "_")).containsExactly(gamma);
            assertThat(filtered("name", Operator.CONTAINS, "c_x")).containsExactly(gamma);
            assertThat(filtered("name", Operator.CONTAINS, "a_a")).isEmpty();
        }

        @Test
        void shouldFilterActiveWithBooleansAndTheirStringForms() {
            List<MasterModel> active = List.of(alpha, beta, aerger);
            List<MasterModel> inactive = List.of(upperBeta, gamma);
            for (Object yes : List.of(true, "true", "on", "yes", "1", "TRUE", "On", 1)) {
                assertThat(filtered("active", Operator.EQ, yes))
                        .as("active eq %s", yes)
                        .isEqualTo(active);
                assertThat(filtered("active", Operator.NE, yes))
                        .as("active ne %s", yes)
                        .isEqualTo(inactive);
            }
            for (Object no : List.of(false, "false", "off", "no", "0", "No", 0)) {
                assertThat(filtered("active", Operator.EQ, no))
                        .as("active eq %s", no)
                        .isEqualTo(inactive);
            }
            assertThat(filtered("active", Operator.IN, true)).isEqualTo(active);
            assertThat(filtered("active", Operator.NOTIN, true)).isEqualTo(inactive);
            assertThat(filtered("active", Operator.EQ, true, "off")).isEqualTo(all);
            assertThat(filtered("active", Operator.IN, "yes", false)).isEqualTo(all);
            assertThat(filtered("active", Operator.NE, true, "no")).isEmpty();
            assertThat(filtered("active", Operator.NOTIN, "on", "0")).isEmpty();
        }

        @Test
        void shouldFilterLastActiveWithEveryOperator() {
            assertThat(filtered("last_active", Operator.EQ, 3000L)).containsExactly(beta, gamma);
            assertThat(filtered("last_active", Operator.EQ, seconds(3000))).containsExactly(beta, gamma);
            assertThat(filtered("last_active", Operator.EQ, "3000")).containsExactly(beta, gamma);
            assertThat(filtered("last_active", Operator.NE, 3000)).containsExactly(alpha, upperBeta, aerger);
            assertThat(filtered("last_active", Operator.LT, 3000L)).containsExactly(alpha, upperBeta);
            assertThat(filtered("last_active", Operator.LE, seconds(3000)))
                    .containsExactly(alpha, upperBeta, beta, gamma);
            assertThat(filtered("last_active", Operator.GT, "3000")).containsExactly(aerger);
            assertThat(filtered("last_active", Operator.GE, 3000L)).containsExactly(beta, gamma, aerger);
            assertThat(filtered("last_active", Operator.IN, 1000L)).containsExactly(alpha);
            assertThat(filtered("last_active", Operator.NOTIN, 1000L)).containsExactly(upperBeta, beta, gamma, aerger);
            assertThat(filtered("last_active", Operator.GT, 5000L)).isEmpty();
        }

        @Test
        void shouldFilterLastActiveWithSeveralValues() {
            Object[] times = {1000L, seconds(5000), "2000"};
            assertThat(filtered("last_active", Operator.EQ, times)).containsExactly(alpha, upperBeta, aerger);
            assertThat(filtered("last_active", Operator.IN, times)).containsExactly(alpha, upperBeta, aerger);
            assertThat(filtered("last_active", Operator.NE, times)).containsExactly(beta, gamma);
            assertThat(filtered("last_active", Operator.NOTIN, times)).containsExactly(beta, gamma);
        }

        @Test
        void shouldCombineFiltersWithAnd() {
            ResultSpec spec = ResultSpec.builder()
                    .filter("active", Operator.EQ, true)
                    .filter("last_active", Operator.GE, 3000L)
                    .filter("name", Operator.CONTAINS, "/")
                    .build();

            assertThat(query(spec)).isEqualTo(new ListResult<>(List.of(beta, aerger), 2, 0, null));
        }

        @Test
        void shouldRejectLtLeGtGeWithSeveralValuesWhenTheFilterIsBuilt() {
            for (Operator op : List.of(Operator.LT, Operator.LE, Operator.GT, Operator.GE)) {
                assertThatThrownBy(() -> ResultSpec.builder().filter("masterid", op, 1L, 2L))
                        .as("%s", op)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("masterid__" + op.wireName());
            }
        }

        @Test
        void shouldThrowAtOnceForUnknownField() {
            assertRejected(
                    ResultSpec.builder().filter("nonsuch", Operator.EQ, 1).build(), "nonsuch");
            assertRejected(ResultSpec.builder().filter("id", Operator.EQ, 1).build(), "id");
            assertRejected(ResultSpec.builder().order("nonsuch").build(), "nonsuch");
            assertRejected(ResultSpec.builder().order("-nonsuch").build(), "nonsuch");
            assertRejected(ResultSpec.builder().fields("nonsuch").build(), "nonsuch");
        }

        @Test
        void shouldThrowAtOnceForValueOfWrongType() {
            assertRejected(
                    ResultSpec.builder().filter("masterid", Operator.EQ, "abc").build(), "abc");
            assertRejected(
                    ResultSpec.builder()
                            .filter("masterid", Operator.IN, 1L, "x")
                            .build(),
                    "x");
            assertRejected(
                    ResultSpec.builder().filter("masterid", Operator.GT, 1.5).build(), "1.5");
            assertRejected(
                    ResultSpec.builder()
                            .filter("last_active", Operator.GT, "yesterday")
                            .build(),
                    "yesterday");
            assertRejected(
                    ResultSpec.builder().filter("last_active", Operator.EQ, NOW).build(), "last_active");
            assertRejected(
                    ResultSpec.builder().filter("active", Operator.EQ, "maybe").build(), "maybe");
            assertRejected(
                    ResultSpec.builder().filter("active", Operator.EQ, "2").build(), "2");
        }

        @Test
        void shouldThrowAtOnceForOperatorThatDoesNotApplyToTheField() {
            assertRejected(
                    ResultSpec.builder()
                            .filter("masterid", Operator.CONTAINS, 1L)
                            .build(),
                    "contains");
            assertRejected(
                    ResultSpec.builder()
                            .filter("last_active", Operator.CONTAINS, "1")
                            .build(),
                    "contains");
            assertRejected(
                    ResultSpec.builder()
                            .filter("active", Operator.CONTAINS, "1")
                            .build(),
                    "contains");
        }

        @Test
        void shouldCompareBooleansWithFalseBeforeTrueAsBuildbotDoes() {
            assertThat(filtered("active", Operator.LT, true)).containsExactly(upperBeta, gamma);
            assertThat(filtered("active", Operator.GE, true)).containsExactly(alpha, beta, aerger);
            assertThat(filtered("active", Operator.GT, false)).containsExactly(alpha, beta, aerger);
            assertThat(filtered("active", Operator.LE, false)).containsExactly(upperBeta, gamma);
        }

        @Test
        void shouldMatchContainsWithSeveralValuesOnlyBySingleCharactersAsBuildbotDoes() {
            // Buildbot 3.7 intersects the values with the set of the name's characters.
            assertThat(filtered("name", Operator.CONTAINS, "Ä", "x")).containsExactly(gamma, aerger);
            assertThat(filtered("name", Operator.CONTAINS, "eta", "%")).containsExactly(aerger);
            assertThat(filtered("name", Operator.CONTAINS, "eta", "alpha")).isEmpty();
        }

        private void assertRejected(ResultSpec spec, String messagePart) {
            assertThatThrownBy(() -> masters().getMasters(spec))
                    .as("%s", spec)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(messagePart);
        }

        @Test
        void shouldOrderByNameInByteOrderOnEveryDatabase() {
            assertThat(ordered("name")).containsExactly(upperBeta, alpha, beta, gamma, aerger);
            assertThat(ordered("-name")).containsExactly(aerger, gamma, beta, alpha, upperBeta);
        }

        @Test
        void shouldRefuseAFilterValueThatIsNotUnicodeAtOnce() {
            assertRejected(
                    ResultSpec.builder().filter("name", Operator.LT, "a\udc00b").build(),
                    "invalid value 'a\\udc00b' for field name: it holds an unpaired surrogate (\\udc00)");
        }

        @Test
        void shouldCompareNamesWithAFilterValueHoldingTheNulCharacterInByteOrder() {
            // No stored name here holds NUL, so a value that does sorts just after its part before it.
            assertThat(filtered("name", Operator.LT, "beta:/b\u0000x")).containsExactly(alpha, upperBeta, beta);
            assertThat(filtered("name", Operator.LE, "beta:/b\u0000")).containsExactly(alpha, upperBeta, beta);
            assertThat(filtered("name", Operator.GT, "beta:/b\u0000x")).containsExactly(gamma, aerger);
            assertThat(filtered("name", Operator.GE, "beta:/b\u0000")).containsExactly(gamma, aerger);
            assertThat(filtered("name", Operator.GE, "\u0000")).containsExactlyElementsOf(all);
            assertThat(filtered("name", Operator.CONTAINS, "\u0000")).isEmpty();
            assertThat(filtered("name", Operator.CONTAINS, "a\u0000")).isEmpty();
            assertThat(filtered("name", Operator.CONTAINS, "\u0000", "x")).containsExactly(gamma);
            assertThat(filtered("name", Operator.EQ, "beta:/b\u0000")).isEmpty();
            assertThat(filtered("name", Operator.NE, "beta:/b\u0000")).containsExactlyElementsOf(all);
        }

        @Test
        void shouldOrderNamesThatDifferOnlyAfterManyKilobytesInByteOrder() {
            // MariaDB and MySQL sort strings by their first max_sort_length bytes (1,024 by default)
            // and call the rest a tie; Buildbot sorts whole names.
            String prefix = "host:/" + "deep/".repeat(2_000);
            MasterModel z = create(prefix + "z", true, 1000);
            MasterModel b = create(prefix + "b", true, 1000);
            MasterModel m = create(prefix + "m", true, 1000);

            assertThat(orderedContaining("deep/deep/", "name")).containsExactly(b, m, z);
            assertThat(orderedContaining("deep/deep/", "-name")).containsExactly(z, m, b);
            assertThat(orderedContaining("deep/deep/", "last_active", "-name")).containsExactly(z, m, b);
            assertThat(filtered("name", Operator.GT, prefix + "m")).containsExactly(aerger, z);
        }

        @Test
        void shouldOrderByEachField() {
            assertThat(ordered("masterid")).containsExactlyElementsOf(all);
            assertThat(ordered("-masterid")).containsExactly(aerger, gamma, beta, upperBeta, alpha);
            assertThat(ordered("-last_active", "masterid")).containsExactly(aerger, beta, gamma, upperBeta, alpha);
            assertThat(ordered("active", "masterid")).containsExactly(upperBeta, gamma, alpha, beta, aerger);
        }

        @Test
        void shouldOrderBySeveralKeysMostSignificantFirst() {
            assertThat(ordered("-active", "last_active")).containsExactly(alpha, beta, aerger, upperBeta, gamma);
            assertThat(ordered("active", "-last_active")).containsExactly(gamma, upperBeta, aerger, beta, alpha);
            assertThat(ordered("last_active", "-masterid")).containsExactly(alpha, upperBeta, gamma, beta, aerger);
            assertThat(ordered("last_active", "-name")).containsExactly(alpha, upperBeta, gamma, beta, aerger);
            assertThat(ordered("last_active", "name")).containsExactly(alpha, upperBeta, beta, gamma, aerger);
        }

        @Test
        void shouldPageWithOffsetAndLimitAndCountTotalBeforePaging() {
            assertThat(query(ResultSpec.builder().limit(2L).build()))
                    .isEqualTo(new ListResult<>(List.of(alpha, upperBeta), 5, 0, 2L));
            assertThat(query(ResultSpec.builder().offset(2).limit(2L).build()))
                    .isEqualTo(new ListResult<>(List.of(beta, gamma), 5, 2, 2L));
            assertThat(query(ResultSpec.builder().offset(4).limit(2L).build()))
                    .isEqualTo(new ListResult<>(List.of(aerger), 5, 4, 2L));
            assertThat(query(ResultSpec.builder().offset(3).build()))
                    .isEqualTo(new ListResult<>(List.of(gamma, aerger), 5, 3, null));
            assertThat(query(ResultSpec.builder().offset(10).build()))
                    .isEqualTo(new ListResult<MasterModel>(List.of(), 5, 10, null));
            assertThat(query(ResultSpec.builder().limit(0L).build()))
                    .isEqualTo(new ListResult<MasterModel>(List.of(), 5, 0, 0L));
        }

        @Test
        void shouldCountOffsetAndLimitFromTheEndWhenNegativeAsPythonSlicesDo() {
            assertThat(query(ResultSpec.builder().offset(-2).build()))
                    .isEqualTo(new ListResult<>(List.of(gamma, aerger), 5, 3, null));
            assertThat(query(ResultSpec.builder().limit(-1L).build()))
                    .isEqualTo(new ListResult<>(List.of(alpha, upperBeta, beta, gamma), 5, 0, 4L));
            assertThat(query(ResultSpec.builder().offset(-3).limit(2L).build()))
                    .isEqualTo(new ListResult<>(List.of(beta, gamma), 5, 2, 2L));
            assertThat(query(ResultSpec.builder().offset(1).limit(-3L).build()))
                    .isEqualTo(new ListResult<>(List.of(upperBeta, beta), 5, 1, 2L));
            assertThat(query(ResultSpec.builder().offset(3).limit(-3L).build()).items())
                    .isEmpty();
            assertThat(query(ResultSpec.builder().offset(-10).limit(1L).build()))
                    .isEqualTo(new ListResult<>(List.of(), 5, 0, 0L));
            assertThat(query(ResultSpec.builder().offset(-99).build()).items()).containsExactlyElementsOf(all);
            assertThat(query(ResultSpec.builder()
                                    .offset(Long.MIN_VALUE)
                                    .limit(Long.MIN_VALUE)
                                    .build())
                            .items())
                    .isEmpty();
            assertThat(query(ResultSpec.builder()
                                    .offset(Long.MAX_VALUE)
                                    .limit(Long.MAX_VALUE)
                                    .build())
                            .items())
                    .isEmpty();
        }

        @Test
        void shouldPageAfterFilteringAndOrdering() {
            ResultSpec spec = ResultSpec.builder()
                    .filter("active", Operator.EQ, "yes")
                    .order("-name")
                    .offset(1)
                    .limit(1L)
                    .build();

            assertThat(query(spec)).isEqualTo(new ListResult<>(List.of(beta), 3, 1, 1L));
        }
    }

    // ---------------------------------------------------------------- setAllMastersActiveLongTimeAgo

    @Test
    void shouldMarkEveryMasterActiveAtTheEpochAndCommit() {
        long a = register("a");
        long b = register("b");
        setState(b, true);
        long c = register("c");

        assertThat(masters().setAllMastersActiveLongTimeAgo()).succeedsWithin(TIMEOUT);

        // A fresh connection sees only committed data.
        assertThat(raw.rows("SELECT id, active, last_active FROM masters ORDER BY id"))
                .containsExactly(
                        Map.of("id", a, "active", 1L, "last_active", 0L),
                        Map.of("id", b, "active", 1L, "last_active", 0L),
                        Map.of("id", c, "active", 1L, "last_active", 0L));
        assertThat(await(masters().getMasters()))
                .extracting(MasterModel::active, MasterModel::lastActive)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(true, Instant.EPOCH));
    }

    @Test
    void shouldMarkAllMastersActiveLongAgoOnEmptyTable() {
        assertThat(masters().setAllMastersActiveLongTimeAgo()).succeedsWithin(TIMEOUT);
        assertThat(raw.count("masters")).isZero();
    }

    // ---------------------------------------------------------------- database failures

    static void assertFailsWithDatabaseError(CompletableFuture<?> future) {
        assertThat(future)
                .failsWithin(TIMEOUT)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(MultimasterException.class)
                .havingCause()
                .isInstanceOf(SQLException.class);
    }

    @Test
    void shouldFailFuturesWithMultimasterExceptionCausedBySqlExceptionWhenTableIsGone() {
        long id = register("m");
        raw.execute("DROP TABLE scheduler_masters", "DROP TABLE changesource_masters", "DROP TABLE masters");

        assertFailsWithDatabaseError(masters().findMasterId("m"));
        assertFailsWithDatabaseError(masters().findMasterId("new"));
        assertFailsWithDatabaseError(masters().setMasterState(id, true));
        assertFailsWithDatabaseError(masters().getMaster(id));
        assertFailsWithDatabaseError(masters().getMasters());
        assertFailsWithDatabaseError(masters().getMasters(ResultSpec.all()));
        assertFailsWithDatabaseError(masters().setAllMastersActiveLongTimeAgo());
    }

    @Test
    void shouldFailFuturesWithMultimasterExceptionWhenConnectorIsClosed() {
        DbConnector connector = open(2);
        MastersConnector closedMasters = connector.masters();
        long id = await(closedMasters.findMasterId("m"));
        connector.close();
        connector.close(); // idempotent

        List<CompletableFuture<?>> futures = List.of(
                closedMasters.findMasterId("m"),
                closedMasters.setMasterState(id, true),
                closedMasters.getMaster(id),
                closedMasters.getMasters(),
                closedMasters.getMasters(ResultSpec.all()),
                closedMasters.setAllMastersActiveLongTimeAgo());
        for (CompletableFuture<?> future : futures) {
            assertThat(future)
                    .failsWithin(TIMEOUT)
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(MultimasterException.class);
        }
    }

    // ---------------------------------------------------------------- schema

    @Test
    void shouldCreateBuildbotTablesInNewDatabase() {
        withoutTables();
        DbConnector connector = open(2);

        assertThat(connector.isBuildbotSchema()).isFalse();
        assertThat(raw.tables())
                .contains("masters", "schedulers", "scheduler_masters", "changesources", "changesource_masters");
        assertThat(raw.columns("masters")).containsOnlyKeys("id", "name", "name_hash", "active", "last_active");
        assertThat(raw.columns("schedulers")).containsOnlyKeys("id", "name", "name_hash", "enabled");
        assertThat(raw.columns("scheduler_masters")).containsOnlyKeys("schedulerid", "masterid");
        assertThat(raw.columns("changesources")).containsOnlyKeys("id", "name", "name_hash");
        assertThat(raw.columns("changesource_masters")).containsOnlyKeys("changesourceid", "masterid");
        assertThat(raw.uniqueIndexes("masters")).contains("master_name_hashes");
    }

    @Test
    void shouldSayWhetherItCreatedUpgradedOrFoundItsSchema() throws Exception {
        // Before, nothing told an operator (or 'upgrade') whether opening had created the schema,
        // upgraded it or found it current.
        withoutTables();
        Class<?> schema = Class.forName("org.multimaster.db.internal.Schema");
        DbConnector[] opened = new DbConnector[1];

        List<String> created = LoggedMessages.of(schema, Level.INFO, () -> opened[0] = open(1));

        String latest = opened[0].schemaVersion().orElseThrow();
        assertThat(opened[0].schemaVersionFound()).isEmpty();
        assertThat(created)
                .containsExactly("created multimaster's schema (version " + latest + ") in " + opened[0].url());
        opened[0].close();

        boolean mysql = database.kind() == DatabaseKind.MYSQL;
        assertThat(latest).as("the last migration, which this test undoes").isEqualTo(mysql ? "2" : "3");
        withLastMigrationUndone();
        String previous = String.valueOf(Integer.parseInt(latest) - 1);

        List<String> upgraded = LoggedMessages.of(schema, Level.INFO, () -> opened[0] = open(1));

        assertThat(opened[0].schemaVersionFound()).contains(previous);
        assertThat(opened[0].schemaVersion()).contains(latest);
        assertThat(upgraded)
                .containsExactly("upgraded multimaster's schema of " + opened[0].url() + " from version " + previous
                        + " to " + latest);
        opened[0].close();

        List<String> found = LoggedMessages.of(schema, Level.INFO, () -> opened[0] = open(1));

        assertThat(opened[0].schemaVersionFound()).contains(latest);
        assertThat(opened[0].schemaVersion()).contains(latest);
        assertThat(found).isEmpty();
    }

    @Test
    void shouldApplyPendingMigrationsAllOrNoneWhereSchemaChangesRollBack() {
        assumeFalse(database.kind() == DatabaseKind.MYSQL, "MySQL and MariaDB commit each schema change at once");
        withoutTables();
        open(1).close();
        // A database of the multimaster of version 1, and a table in the way of the last migration's index.
        raw.execute(
                "DROP INDEX masters_name",
                "DROP INDEX masters_active_last_active",
                "DELETE FROM " + HISTORY_TABLE + " WHERE version IN ('2', '3')",
                "CREATE TABLE masters_name (id INTEGER)");

        assertThatThrownBy(() -> open(1))
                .isExactlyInstanceOf(MultimasterException.class)
                .hasMessageStartingWith("cannot create or upgrade the schema of " + database.url() + ": ");

        // Before, version 2 stayed applied: the failed upgrade had changed the schema half-way.
        assertThat(raw.rows("SELECT version FROM " + HISTORY_TABLE))
                .extracting(row -> String.valueOf(row.get("version")))
                .containsExactly("1");
        assertThat(raw.indexes("masters")).doesNotContain("masters_active_last_active", "masters_name");
    }

    @Test
    void shouldSayThatTheServerTakesNoWritesAndToPointAtThePrimary() {
        assumeFalse(database.kind() == DatabaseKind.SQLITE, "SQLite has no server, and no standby");
        // A session that the server keeps read-only, as a standby's are.
        String readOnly = database.url()
                + (database.kind() == DatabaseKind.POSTGRESQL
                        ? "&options=-c%20default_transaction_read_only=on"
                        : "&sessionVariables=tx_read_only=1");
        String advice = "; the database server takes no writes on this connection (a standby, or a read-only"
                + " session); point --db at the primary"
                + (database.kind() == DatabaseKind.POSTGRESQL
                        ? ", or name every host with target_session_attrs=read-write so that the driver finds it"
                        : "");
        long id = register("host:/a");
        withLastMigrationUndone();

        assertThatThrownBy(() -> DbConnector.open(readOnly).close())
                .isExactlyInstanceOf(MultimasterException.class)
                .hasMessageStartingWith("cannot create or upgrade the schema of ")
                .hasMessageContaining("(SQLState 25006)" + advice);
        open(1).close();
        try (DbConnector standby = DbConnector.open(readOnly)) {
            assertThatThrownBy(() -> standby.masters().setMasterState(id, true).join())
                    .cause()
                    .isExactlyInstanceOf(MultimasterException.class)
                    .hasMessageStartingWith("cannot mark master " + id + " active on ")
                    .hasMessageEndingWith("(SQLState 25006)" + advice);
            assertThat(standby.masters().getMaster(id).join().orElseThrow().active())
                    .isFalse();
        }
    }

    /** Undoes the last migration, as the database of the multimaster before this one holds it. */
    private void withLastMigrationUndone() {
        boolean mysql = database.kind() == DatabaseKind.MYSQL;
        raw.execute(
                mysql ? "DROP INDEX masters_active_last_active ON masters" : "DROP INDEX masters_name",
                "DELETE FROM " + HISTORY_TABLE + " WHERE version = '" + (mysql ? "2" : "3") + "'");
    }

    @Test
    void shouldUseASchemaThatANewerMultimasterUpgradedAsItIsAndSaySo() throws Exception {
        withoutTables();
        assertThat(open(1).isNewerSchema()).isFalse();
        long rank = raw.queryLong("SELECT MAX(installed_rank) FROM " + HISTORY_TABLE);
        raw.update(
                "INSERT INTO " + HISTORY_TABLE + " (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, installed_on, execution_time, success)"
                        + " VALUES (?, '10.1', 'a newer multimaster', 'SQL', 'V10_1__newer.sql', 1, 'test',"
                        + " CURRENT_TIMESTAMP, 0, ?)",
                rank + 1,
                true);
        Map<String, List<Map<String, Object>>> before = raw.snapshot(List.of(HISTORY_TABLE));

        DbConnector[] newer = new DbConnector[1];
        List<String> warned = LoggedMessages.of(
                Class.forName("org.multimaster.db.internal.Schema"), Level.WARN, () -> newer[0] = open(1));

        assertThat(newer[0].isNewerSchema()).isTrue();
        assertThat(warned)
                .singleElement(as(STRING))
                .startsWith("database " + newer[0].url() + " has multimaster's schema at version 10.1, newer than"
                        + " this multimaster's (")
                .endsWith("upgrade multimaster here to match");
        assertThat(raw.snapshot(List.of(HISTORY_TABLE))).as("no migration ran").isEqualTo(before);
        assertThat(await(newer[0].masters().findMasterId("m"))).isPositive();
    }

    @Test
    void shouldCreateSchemaThroughPoolOfOneConnection() {
        withoutTables();
        DbConnector connector = DbConnector.builder()
                .url(database.url())
                .clock(clock)
                .poolSize(1)
                .connectionTimeout(Duration.ofSeconds(2))
                .open();
        opened.add(connector);

        long id = await(connector.masters().findMasterId("m"));

        assertThat(await(connector.masters().getMaster(id))).isPresent();
        assertThat(raw.tables()).contains("masters", "flyway_schema_history");
    }

    /**
     * Masters started together on a new database all create the schema at once: one creates it,
     * the others wait for it. Flyway alone lets one see the other's history table before its first
     * row and refuse it ("unable to baseline").
     */
    @Test
    void shouldCreateTheSchemaOnceWhenSeveralOpenANewDatabaseAtOnce() {
        withoutTables();
        open(1).close();
        long migrations = raw.count(HISTORY_TABLE);
        int racers = 4;
        for (int round = 0; round < 3; round++) {
            withoutTables();
            CyclicBarrier start = new CyclicBarrier(racers);
            List<CompletableFuture<Boolean>> opens = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                opens.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    try (DbConnector connector = DbConnector.builder()
                            .url(database.url())
                            .clock(clock)
                            .poolSize(1)
                            .open()) {
                        return connector.isBuildbotSchema();
                    }
                }));
            }

            for (CompletableFuture<Boolean> open : opens) {
                assertThat(open)
                        .as("round %d: every connector opens", round)
                        .succeedsWithin(Duration.ofSeconds(60))
                        .isEqualTo(false);
            }
            assertThat(raw.tables()).containsAll(OWN_TABLES);
            assertThat(raw.queryLong("SELECT COUNT(*) FROM " + HISTORY_TABLE + " WHERE NOT success"))
                    .as("round %d: failed migrations", round)
                    .isZero();
            assertThat(raw.count(HISTORY_TABLE))
                    .as("round %d: history rows, against %d of one open alone", round, migrations)
                    .isEqualTo(migrations);
        }
    }

    @Test
    void shouldOpenItsOwnDatabaseAgainWithoutChangingIt() {
        withoutTables();
        open(1).close();
        Set<String> tables = raw.tables();
        long migrations = raw.count("flyway_schema_history");

        DbConnector again = open(1);

        assertThat(again.isBuildbotSchema()).isFalse();
        assertThat(raw.tables()).isEqualTo(tables);
        assertThat(raw.count("flyway_schema_history")).isEqualTo(migrations);
    }

    @Test
    void shouldUseBuildbotCreatedDatabaseAsItIs() {
        withoutTables();
        String key = raw.autoIncrementPrimaryKey();
        raw.execute(
                "CREATE TABLE masters (id " + key + ", name TEXT NOT NULL, name_hash VARCHAR(40) NOT NULL,"
                        + " active INTEGER NOT NULL, last_active INTEGER NOT NULL)",
                "CREATE UNIQUE INDEX master_name_hashes ON masters (name_hash)",
                "CREATE TABLE schedulers (id " + key + ", name TEXT NOT NULL, name_hash VARCHAR(40) NOT NULL,"
                        + " enabled SMALLINT DEFAULT 1)",
                "CREATE TABLE scheduler_masters (schedulerid INTEGER NOT NULL PRIMARY KEY,"
                        + " masterid INTEGER NOT NULL)",
                "CREATE TABLE changesources (id " + key + ", name TEXT NOT NULL, name_hash VARCHAR(40) NOT NULL)",
                "CREATE TABLE changesource_masters (changesourceid INTEGER NOT NULL PRIMARY KEY,"
                        + " masterid INTEGER NOT NULL)");
        createOptionalBuildbotLinkTables();
        raw.update(
                "INSERT INTO masters (name, name_hash, active, last_active) VALUES (?, ?, 1, 1000)",
                "buildbot:/master",
                sha1("buildbot:/master"));
        Set<String> tables = raw.tables();
        Map<String, String> columns = raw.columns("masters");

        DbConnector connector = open(2);

        assertThat(connector.isBuildbotSchema()).isTrue();
        assertThat(raw.tables()).isEqualTo(tables).doesNotContain("flyway_schema_history");
        assertThat(raw.columns("masters")).isEqualTo(columns);

        MastersConnector buildbotMasters = connector.masters();
        long existing = await(buildbotMasters.findMasterId("buildbot:/master"));
        long added = await(buildbotMasters.findMasterId("Buildbot:/master"));
        assertThat(added).isNotEqualTo(existing);
        raw.update("INSERT INTO connected_workers (id, masterid, workerid) VALUES (1, ?, 7)", existing);
        raw.update("INSERT INTO schedulers (name, name_hash) VALUES ('s', ?)", sha1("s"));
        raw.update("INSERT INTO scheduler_masters (schedulerid, masterid) SELECT id, ? FROM schedulers", existing);

        assertThat(await(buildbotMasters.setMasterState(existing, false))).isTrue();

        assertThat(raw.count("connected_workers")).isZero();
        assertThat(raw.count("scheduler_masters")).isZero();
        assertThat(await(buildbotMasters.getMaster(existing)))
                .contains(new MasterModel(existing, "buildbot:/master", false, seconds(1000)));
        assertThat(raw.tables()).isEqualTo(tables);
    }

    @Test
    void shouldRefuseDatabaseWithoutMastersTableWhenNotMigrating() {
        withoutTables();
        Set<String> tables = raw.tables();

        assertThatThrownBy(() ->
                        DbConnector.builder().url(database.url()).migrate(false).open())
                .isInstanceOf(MultimasterException.class)
                .hasMessageContaining("no masters table");
        assertThat(raw.tables()).isEqualTo(tables);
    }

    // ---------------------------------------------------------------- concurrency (threads)

    static final int THREADS = 16;
    static final int ROUNDS = 4;

    /** Runs {@code call} on {@code THREADS} threads released at once; returns their results. */
    static <T> List<T> race(Supplier<CompletableFuture<T>> call) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch ready = new CountDownLatch(THREADS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> results = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                results.add(callers.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.get().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }));
            }
            assertThat(ready.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<T> values = new ArrayList<>();
            for (Future<T> result : results) {
                values.add(result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            return values;
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void shouldNeverCountFewerMastersThanThePageHoldsWhileMastersRegister() throws Exception {
        MastersConnector writer = open(2).masters();
        MastersConnector reader = open(2).masters();
        ResultSpec firstPage = ResultSpec.builder().limit(5L).build();
        CompletableFuture<Void> registrations = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 150; i++) {
                await(writer.findMasterId("newcomer-" + i));
            }
        });
        int pages = 0;
        while (!registrations.isDone() || pages == 0) {
            ListResult<MasterModel> page = await(reader.getMasters(firstPage));
            assertThat(page.total()).isGreaterThanOrEqualTo(page.items().size());
            pages++;
        }
        await(registrations);
        assertThat(await(reader.getMasters(firstPage)).total()).isEqualTo(150);
    }

    @Test
    void shouldReturnSameIdWhenManyThreadsRegisterTheSameNewNameAtOnce() throws Exception {
        MastersConnector racing = open(THREADS).masters();
        for (int round = 0; round < ROUNDS; round++) {
            String name = "racer-" + round + ":/srv";

            List<Long> ids = race(() -> racing.findMasterId(name));

            assertThat(Set.copyOf(ids)).as("round %d", round).hasSize(1);
            assertThat(raw.queryLong("SELECT COUNT(*) FROM masters WHERE name_hash = ?", sha1(name)))
                    .isEqualTo(1);
            assertThat(master(ids.get(0)).name()).isEqualTo(name);
        }
        assertThat(raw.count("masters")).isEqualTo(ROUNDS);
    }

    @Test
    void shouldReportExactlyOneChangeWhenManyThreadsDeactivateTheSameMaster() throws Exception {
        MastersConnector racing = open(THREADS).masters();
        long id = register("contended");
        long other = register("bystander");
        setState(other, true);
        for (int round = 0; round < ROUNDS; round++) {
            assertThat(setState(id, true)).isTrue();

            List<Boolean> changed = race(() -> racing.setMasterState(id, false));

            assertThat(changed).as("round %d", round).containsOnlyOnce(true);
            assertThat(master(id).active()).isFalse();
        }
        assertThat(master(other).active()).isTrue();
    }

    @Test
    void shouldReportExactlyOneChangeWhenManyThreadsActivateTheSameMaster() throws Exception {
        MastersConnector racing = open(THREADS).masters();
        long id = register("contended");
        for (int round = 0; round < ROUNDS; round++) {
            clock.advance(Duration.ofSeconds(60));

            List<Boolean> changed = race(() -> racing.setMasterState(id, true));

            assertThat(changed).as("round %d", round).containsOnlyOnce(true);
            assertThat(master(id))
                    .isEqualTo(new MasterModel(
                            id, "contended", true, seconds(clock.instant().getEpochSecond())));
            assertThat(setState(id, false)).isTrue();
        }
    }

    // ---------------------------------------------------------------- concurrency (processes)

    @Test
    void shouldAgreeOnOneIdAndExactlyOneStateChangeAcrossTwoProcesses() throws Exception {
        masters(); // creates the schema (and the SQLite file) before the processes start
        int threadsPerProcess = 8;
        String name = "process-racer:/srv";
        List<Process> processes = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        List<Writer> inputs = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Process process = new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                // Quick start-up matters more than peak speed here.
                                "-XX:TieredStopAtLevel=1",
                                "-XX:+UseSerialGC",
                                "-cp",
                                System.getProperty("java.class.path"),
                                RaceMain.class.getName(),
                                database.url(),
                                name,
                                Integer.toString(threadsPerProcess))
                        .redirectErrorStream(true)
                        .start();
                processes.add(process);
                outputs.add(
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
                inputs.add(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            }
            List<String> output = new ArrayList<>();
            for (String phase : RaceMain.PHASES) {
                for (BufferedReader out : outputs) {
                    readUntil(out, RaceMain.READY_PREFIX + phase, output);
                }
                // The same wall-clock instant for every process, shortly after all are ready.
                String start = (System.currentTimeMillis() + 300) + "\n";
                for (Writer in : inputs) {
                    in.write(start);
                    in.flush();
                }
            }
            for (int i = 0; i < processes.size(); i++) {
                readUntil(outputs.get(i), null, output);
                assertThat(processes.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(processes.get(i).exitValue())
                        .as("exit status; output:%n%s", String.join("\n", output))
                        .isZero();
            }

            Map<String, List<String>> results = output.stream()
                    .filter(line -> line.startsWith(RaceMain.RESULT_PREFIX))
                    .map(line -> line.substring(RaceMain.RESULT_PREFIX.length()).split(" ", 2))
                    .collect(Collectors.groupingBy(kv -> kv[0], Collectors.mapping(kv -> kv[1], Collectors.toList())));
            int calls = 2 * threadsPerProcess;
            String description = String.join("\n", output);
            assertThat(results.get("id")).as(description).hasSize(calls);
            assertThat(Set.copyOf(results.get("id"))).as(description).hasSize(1);
            long id = Long.parseLong(results.get("id").get(0));
            assertThat(raw.count("masters")).isEqualTo(1);
            assertThat(results.get("activated")).as(description).hasSize(calls).containsOnlyOnce("true");
            assertThat(results.get("deactivated"))
                    .as(description)
                    .hasSize(calls)
                    .containsOnlyOnce("true");
            assertThat(master(id).active()).isFalse();
            assertThat(master(id).name()).isEqualTo(name);
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** Reads lines into {@code output} until one equals {@code marker}, or to the end if null. */
    private static void readUntil(BufferedReader out, String marker, List<String> output) throws IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            output.add(line);
            if (line.equals(marker)) {
                return;
            }
        }
        assertThat(marker)
                .as("process ended before '%s'; output:%n%s", marker, String.join("\n", output))
                .isNull();
    }
}
