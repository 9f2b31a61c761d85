package org.multimaster.db;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multimaster.db.testing.MutableClock;
import org.multimaster.db.testing.TestDatabase;

/**
 * The contract of the schedulers and change sources connectors (Buildbot's claim semantics) and of
 * the masters connector's expiry and pruning, run against every database by a tiny subclass.
 *
 * <p>Schedulers and change sources obey the same rules, so every claim test runs once for each
 * {@link Kind}. Backend differences (how to ask for a query plan) are capabilities of the subclass,
 * never {@code if} here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ComponentsConnectorContract {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int RACERS = 16;
    private static final long MISSING_ID = 987_654_321L;
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant YEAR_2001 = Instant.parse("2001-06-01T00:00:00Z");
    private static final String EXPIRY_INDEX = "masters_active_last_active";

    /** multimaster's tables, children first. */
    private static final List<String> SCHEMA_TABLES =
            List.of("scheduler_masters", "changesource_masters", "schedulers", "changesources", "masters");

    /** Tables that tests create behind the connector's back. */
    private static final List<String> ADDED_TABLES = List.of("builds");

    /** The expiry query exactly as the masters connector sends it with the application clock. */
    static final String EXPIRY_QUERY =
            "SELECT id, name, active, last_active FROM masters WHERE active = 1 AND last_active < ? ORDER BY id";

    private TestDatabase database;
    private final MutableClock clock = new MutableClock(T0);
    private final List<DbConnector> openedByTest = new ArrayList<>();
    private @Nullable DbConnector db;
    private @Nullable DbConnector racingDb;

    /** The database under test; {@code dir} is a fresh temporary directory. */
    protected abstract TestDatabase database(Path dir);

    /**
     * Returns the database's query plan for {@code query} (one {@code ?}, bound to {@code bound}),
     * as text in which the name of every index the plan uses appears. The implementation may first
     * refresh statistics and steer the planner as its database needs, so that an index is chosen
     * whenever the planner could use it.
     */
    protected abstract String explain(Connection connection, String query, long bound) throws SQLException;

    /**
     * Resets the database once per suite; skips the suite (or, in CI, fails it) when the server is
     * unreachable. Dropping and creating a server database, and opening a connector, cost most of a
     * second each, so the suite shares its connectors and empties the tables between tests instead.
     */
    @BeforeAll
    void resetDatabase(@TempDir Path dir) {
        database = database(dir);
        database.reset();
    }

    @BeforeEach
    void emptyDatabase() throws SQLException {
        clock.set(T0);
        emptyTables();
    }

    @AfterEach
    void closeConnectorsOfTheTest() {
        openedByTest.forEach(DbConnector::close);
        openedByTest.clear();
    }

    @AfterAll
    void closeSharedConnectors() {
        for (DbConnector connector : new DbConnector[] {db, racingDb}) {
            if (connector != null) {
                connector.close();
            }
        }
    }

    // ---------------------------------------------------------------- registration

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRegisterANewNameOnceAndReturnTheSameIdAfterwards(Kind kind) throws SQLException {
        long id = done(kind.findId(db(), "nightly"));

        assertThat(done(kind.findId(db(), "nightly"))).isEqualTo(id);
        assertThat(count("SELECT COUNT(*) FROM " + kind.table)).isEqualTo(1);
        assertThat(queryString("SELECT name_hash FROM " + kind.table + " WHERE id = ?", id))
                .isEqualTo(sha1("nightly"));
        assertThat(done(kind.get(db(), id))).contains(new Component(id, "nightly", null));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRegisterNamesThatDifferOnlyByCaseAsTwoComponents(Kind kind) throws SQLException {
        long lower = done(kind.findId(db(), "some:sched"));
        long upper = done(kind.findId(db(), "some:Sched"));

        assertThat(upper).isNotEqualTo(lower);
        assertThat(done(kind.findId(db(), "some:sched"))).isEqualTo(lower);
        assertThat(done(kind.findId(db(), "some:Sched"))).isEqualTo(upper);
        assertThat(count("SELECT COUNT(*) FROM " + kind.table)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldStoreUnicodeNamesVerbatim(Kind kind) throws SQLException {
        String name = "Zürich-Ωmega-調度器-🚀 ";
        long id = done(kind.findId(db(), name));

        assertThat(done(kind.get(db(), id))).map(Component::name).contains(name);
        assertThat(queryString("SELECT name FROM " + kind.table + " WHERE id = ?", id))
                .isEqualTo(name);
        assertThat(done(kind.findId(db(), name))).isEqualTo(id);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRejectNullOrBlankNamesAtOnceAndWriteNothing(Kind kind) throws SQLException {
        DbConnector db = db();

        assertThatThrownBy(() -> kind.findId(db, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> kind.findId(db, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kind.findId(db, " \t\n")).isInstanceOf(IllegalArgumentException.class);
        assertThat(count("SELECT COUNT(*) FROM " + kind.table)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRefuseANameWithANulCharacterAtOnceOnlyWhereTheDatabaseCannotStoreIt(Kind kind) throws SQLException {
        String name = "nightly\u0000";

        if (database.kind() == DatabaseKind.POSTGRESQL) {
            assertThatThrownBy(() -> kind.findId(db(), name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'nightly\\0' holds the NUL character");
            assertThat(count("SELECT COUNT(*) FROM " + kind.table)).isZero();
        } else {
            long id = done(kind.findId(db(), name));
            assertThat(done(kind.findId(db(), name))).isEqualTo(id);
            assertThat(done(kind.findId(db(), "nightly"))).isNotEqualTo(id);
        }
        assertThat(done(kind.query(
                                db(),
                                ResultSpec.builder()
                                        .filter("name", ResultSpec.Operator.CONTAINS, "\u0000")
                                        .build()))
                        .total())
                .isEqualTo(database.kind() == DatabaseKind.POSTGRESQL ? 0 : 1);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldReturnOneIdAndWriteOneRowWhen16ThreadsRegisterTheSameNewName(Kind kind) throws Exception {
        DbConnector db = racingDb();

        List<CompletableFuture<Long>> results = race(i -> kind.findId(db, "contended"));

        List<Long> ids = results.stream().map(ComponentsConnectorContract::done).toList();
        assertThat(ids).hasSize(RACERS).containsOnly(ids.get(0));
        assertThat(count("SELECT COUNT(*) FROM " + kind.table)).isEqualTo(1);
    }

    // ---------------------------------------------------------------- claims

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldClaimAComponentByInsertingItsLinkRow(Kind kind) throws SQLException {
        long master = activeMaster("m1");
        long id = done(kind.findId(db(), "c"));

        assertThat(kind.setMaster(db(), id, master)).succeedsWithin(WAIT);

        assertThat(linkOwners(kind, id)).containsExactly(master);
        assertThat(done(kind.get(db(), id))).contains(new Component(id, "c", master));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldTreatReclaimingItsOwnComponentAsANoOp(Kind kind) throws SQLException {
        long master = activeMaster("m1");
        long id = done(kind.findId(db(), "c"));
        done(kind.setMaster(db(), id, master));

        assertThat(kind.setMaster(db(), id, master)).succeedsWithin(WAIT);

        assertThat(linkOwners(kind, id)).containsExactly(master);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldFailWithAlreadyClaimedNamingTheOwnerWhenAnotherActiveMasterOwnsIt(Kind kind) throws SQLException {
        long owner = activeMaster("host-a:/srv/owner");
        long other = activeMaster("host-b:/srv/other");
        long id = done(kind.findId(db(), "c"));
        done(kind.setMaster(db(), id, owner));

        assertThat(kind.setMaster(db(), id, other))
                .failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(AlreadyClaimedException.class, e -> {
                    assertThat(e.ownerId()).isEqualTo(owner);
                    assertThat(e.ownerName()).isEqualTo("host-a:/srv/owner");
                    assertThat(e.componentId()).isEqualTo(id);
                    assertThat(e.getMessage()).contains("host-a:/srv/owner");
                });
        assertThat(linkOwners(kind, id)).containsExactly(owner);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldTakeOverAComponentLinkedToAnInactiveMaster(Kind kind) throws SQLException {
        long dead = done(db().masters().findMasterId("dead")); // registered inactive
        long claimant = activeMaster("alive");
        long id = done(kind.findId(db(), "c"));
        insertLink(kind, id, dead);

        assertThat(kind.setMaster(db(), id, claimant)).succeedsWithin(WAIT);

        assertThat(linkOwners(kind, id)).containsExactly(claimant);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldReleaseWithNullWhoeverOwnsIt(Kind kind) throws SQLException {
        long owner = activeMaster("owner");
        long id = done(kind.findId(db(), "c"));
        long free = done(kind.findId(db(), "free"));
        done(kind.setMaster(db(), id, owner));

        assertThat(kind.setMaster(db(), id, null)).succeedsWithin(WAIT);
        assertThat(kind.setMaster(db(), free, null)).succeedsWithin(WAIT);

        assertThat(linkOwners(kind, id)).isEmpty();
        assertThat(done(kind.get(db(), id))).contains(new Component(id, "c", null));
        assertThat(done(db().masters().getMaster(owner)))
                .map(MasterModel::active)
                .contains(true);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldFailToClaimAComponentOrForAMasterThatDoesNotExist(Kind kind) throws SQLException {
        long master = activeMaster("m");
        long id = done(kind.findId(db(), "c"));

        assertThat(kind.setMaster(db(), MISSING_ID, master))
                .failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(
                        MultimasterException.class,
                        e -> assertThat(e)
                                .isNotInstanceOf(AlreadyClaimedException.class)
                                .hasMessageContaining(String.valueOf(MISSING_ID))
                                .hasCauseInstanceOf(SQLException.class));
        assertThat(kind.setMaster(db(), id, MISSING_ID))
                .failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(
                        MultimasterException.class,
                        e -> assertThat(e)
                                .isNotInstanceOf(AlreadyClaimedException.class)
                                .hasMessageContaining(String.valueOf(MISSING_ID))
                                .hasCauseInstanceOf(SQLException.class));
        assertThat(count("SELECT COUNT(*) FROM " + kind.linkTable)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldLetExactlyOneOf16ActiveMastersClaimAFreeComponent(Kind kind) throws Exception {
        DbConnector db = racingDb();
        long[] masters = activeMasters(db, RACERS);
        long id = done(kind.findId(db, "contended"));

        List<CompletableFuture<Void>> claims = race(i -> kind.setMaster(db, id, masters[i]));

        assertExactlyOneClaimWon(kind, id, masters, claims);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldLetExactlyOneOf16ActiveMastersTakeOverFromAnInactiveOwner(Kind kind) throws Exception {
        DbConnector db = racingDb();
        long dead = done(db.masters().findMasterId("dead"));
        long[] masters = activeMasters(db, RACERS);
        long id = done(kind.findId(db, "orphan"));
        insertLink(kind, id, dead);

        List<CompletableFuture<Void>> claims = race(i -> kind.setMaster(db, id, masters[i]));

        assertExactlyOneClaimWon(kind, id, masters, claims);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldReleaseTheLinksOfADeactivatedMasterSoAnotherCanClaim(Kind kind) throws SQLException {
        long owner = activeMaster("owner");
        long successor = activeMaster("successor");
        long first = done(kind.findId(db(), "first"));
        long second = done(kind.findId(db(), "second"));
        long others = done(kind.findId(db(), "others"));
        done(kind.setMaster(db(), first, owner));
        done(kind.setMaster(db(), second, owner));
        done(kind.setMaster(db(), others, successor));
        assertThat(kind.setMaster(db(), first, successor)).failsWithin(WAIT);

        assertThat(done(db().masters().setMasterState(owner, false))).isTrue();

        assertThat(linkOwners(kind, first)).isEmpty();
        assertThat(linkOwners(kind, second)).isEmpty();
        assertThat(linkOwners(kind, others)).containsExactly(successor);
        assertThat(done(kind.list(db(), null, owner))).isEmpty();
        assertThat(kind.setMaster(db(), first, successor)).succeedsWithin(WAIT);
        assertThat(done(kind.list(db(), true, null)))
                .containsExactly(new Component(first, "first", successor), new Component(others, "others", successor));
    }

    // ---------------------------------------------------------------- reads

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldReturnEmptyForAMissingId(Kind kind) {
        assertThat(done(kind.get(db(), MISSING_ID))).isEmpty();
        assertThat(done(kind.list(db(), null, null))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldFilterByActiveAndMasterLikeBuildbotInIdOrder(Kind kind) throws SQLException {
        long a = activeMaster("a");
        long b = activeMaster("b");
        long unused = activeMaster("unused");
        // Registered so that id order and name order disagree.
        long zeta = done(kind.findId(db(), "zeta"));
        long yank = done(kind.findId(db(), "yank"));
        long xray = done(kind.findId(db(), "xray"));
        long whiskey = done(kind.findId(db(), "whiskey"));
        // Claimed in reverse id order.
        done(kind.setMaster(db(), whiskey, a));
        done(kind.setMaster(db(), yank, b));
        done(kind.setMaster(db(), zeta, a));
        Component zetaA = new Component(zeta, "zeta", a);
        Component yankB = new Component(yank, "yank", b);
        Component xrayFree = new Component(xray, "xray", null);
        Component whiskeyA = new Component(whiskey, "whiskey", a);

        assertThat(done(kind.list(db(), null, null))).containsExactly(zetaA, yankB, xrayFree, whiskeyA);
        assertThat(done(kind.list(db(), true, null))).containsExactly(zetaA, yankB, whiskeyA);
        assertThat(done(kind.list(db(), false, null))).containsExactly(xrayFree);
        assertThat(done(kind.list(db(), null, a))).containsExactly(zetaA, whiskeyA);
        assertThat(done(kind.list(db(), true, a))).containsExactly(zetaA, whiskeyA);
        assertThat(done(kind.list(db(), false, a))).isEmpty();
        assertThat(done(kind.list(db(), null, b))).containsExactly(yankB);
        assertThat(done(kind.list(db(), null, unused))).isEmpty();
        assertThat(done(kind.list(db(), null, MISSING_ID))).isEmpty();
        assertThat(done(kind.get(db(), xray))).contains(xrayFree);
        assertThat(done(kind.get(db(), whiskey))).contains(whiskeyA);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldOrderNamesThatDifferOnlyAfterManyKilobytesInByteOrder(Kind kind) {
        // MariaDB and MySQL compare sorted strings by their first 1,024 bytes unless told otherwise.
        String prefix = "scheduler " + "of a very long name ".repeat(200);
        long z = done(kind.findId(db(), prefix + "z"));
        long b = done(kind.findId(db(), prefix + "b"));

        assertThat(done(kind.query(db(), ResultSpec.builder().order("name").build()))
                        .items())
                .containsExactly(new Component(b, prefix + "b", null), new Component(z, prefix + "z", null));
        assertThat(done(kind.query(db(), ResultSpec.builder().order("-name").build()))
                        .items())
                .containsExactly(new Component(z, prefix + "z", null), new Component(b, prefix + "b", null));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRunDataApiQueriesInSqlWithUnownedFirstWhenOrderedByMaster(Kind kind) throws SQLException {
        long a = activeMaster("a");
        long b = activeMaster("b");
        long zeta = done(kind.findId(db(), "zeta"));
        long yank = done(kind.findId(db(), "yank"));
        long xray = done(kind.findId(db(), "xray"));
        long whiskey = done(kind.findId(db(), "whiskey"));
        done(kind.setMaster(db(), whiskey, a));
        done(kind.setMaster(db(), yank, b));
        done(kind.setMaster(db(), zeta, b));
        Component zetaB = new Component(zeta, "zeta", b);
        Component yankB = new Component(yank, "yank", b);
        Component xrayFree = new Component(xray, "xray", null);
        Component whiskeyA = new Component(whiskey, "whiskey", a);
        String id = kind.idColumn;

        assertThat(done(kind.query(db(), ResultSpec.all())))
                .isEqualTo(new ListResult<>(List.of(zetaB, yankB, xrayFree, whiskeyA), 4, 0, null));
        assertThat(done(kind.query(db(), ResultSpec.builder().order("name").build()))
                        .items())
                .containsExactly(whiskeyA, xrayFree, yankB, zetaB);
        assertThat(done(kind.query(db(), ResultSpec.builder().order("master").build()))
                        .items())
                .containsExactly(xrayFree, whiskeyA, zetaB, yankB);
        assertThat(done(kind.query(
                                db(),
                                ResultSpec.builder().order("-master", "-" + id).build()))
                        .items())
                .containsExactly(yankB, zetaB, whiskeyA, xrayFree);
        assertThat(done(kind.query(
                        db(),
                        ResultSpec.builder()
                                .filter("masterid", ResultSpec.Operator.EQ, b)
                                .order("name")
                                .limit(1L)
                                .build())))
                .isEqualTo(new ListResult<>(List.of(yankB), 2, 0, 1L));
        assertThat(done(kind.query(
                                db(),
                                ResultSpec.builder()
                                        .filter("name", ResultSpec.Operator.CONTAINS, "a")
                                        .filter(id, ResultSpec.Operator.GT, zeta)
                                        .build()))
                        .items())
                .containsExactly(yankB, xrayFree);
        assertThat(done(kind.query(db(), ResultSpec.builder().offset(-1).build())))
                .isEqualTo(new ListResult<>(List.of(whiskeyA), 4, 3, null));
        assertThatThrownBy(() -> kind.query(
                        db(),
                        ResultSpec.builder()
                                .filter("master", ResultSpec.Operator.EQ, a)
                                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("master");
    }

    @Test
    void shouldReadEveryMasterAndEveryClaimInOneSnapshot() throws SQLException {
        long a = activeMaster("a");
        long b = done(db().masters().findMasterId("b"));
        long nightly = done(db().schedulers().findSchedulerId("nightly"));
        long hourly = done(db().schedulers().findSchedulerId("hourly"));
        long git = done(db().changeSources().findChangeSourceId("git"));
        done(db().changeSources().findChangeSourceId("svn"));
        done(db().schedulers().setSchedulerMaster(hourly, a));
        done(db().changeSources().setChangeSourceMaster(git, a));
        execute("UPDATE schedulers SET enabled = 0 WHERE id = ?", hourly);

        ClusterState state = done(db().clusterState());

        assertThat(state.masters())
                .containsExactly(new MasterModel(a, "a", true, T0), new MasterModel(b, "b", false, T0));
        assertThat(state.schedulers()).containsExactly(new SchedulerModel(hourly, "hourly", false, a));
        assertThat(state.changeSources()).containsExactly(new ChangeSourceModel(git, "git", a));
        assertThat(nightly).isNotEqualTo(hourly);
    }

    @Test
    void shouldPollTheActiveMastersThoseAfterTheIdGivenEveryClaimAndTheCountOfAllMasters() throws SQLException {
        long a = activeMaster("a");
        long b = done(db().masters().findMasterId("b"));
        long c = activeMaster("c");
        long d = done(db().masters().findMasterId("d"));
        long e = done(db().masters().findMasterId("e"));
        long nightly = done(db().schedulers().findSchedulerId("nightly"));
        long git = done(db().changeSources().findChangeSourceId("git"));
        done(db().schedulers().setSchedulerMaster(nightly, c));
        done(db().changeSources().setChangeSourceMaster(git, a));

        ClusterPoll poll = done(db().clusterPoll(d));

        // b and d are inactive and not after d: left in the table.
        assertThat(poll.masters())
                .containsExactly(
                        new MasterModel(a, "a", true, T0),
                        new MasterModel(c, "c", true, T0),
                        new MasterModel(e, "e", false, T0));
        assertThat(poll.masterCount()).isEqualTo(5);
        assertThat(poll.schedulers()).containsExactly(new SchedulerModel(nightly, "nightly", true, c));
        assertThat(poll.changeSources()).containsExactly(new ChangeSourceModel(git, "git", a));
        assertThat(done(db().clusterPoll(0)).masters())
                .as("after id 0: every master")
                .isEqualTo(done(db().clusterState()).masters());
        assertThat(b).isLessThan(d);
    }

    @Test
    void shouldCountTheMastersAPollDoesNotRead() throws SQLException {
        activeMaster("a");
        long b = done(db().masters().findMasterId("b"));
        long c = done(db().masters().findMasterId("c"));

        execute("DELETE FROM masters WHERE id = ?", b);

        ClusterPoll poll = done(db().clusterPoll(c));
        assertThat(poll.masters()).extracting(MasterModel::name).containsExactly("a");
        assertThat(poll.masterCount()).isEqualTo(2);
    }

    @Test
    void shouldReadTheClusterInIdOrderWhateverOrderTheRowsAreStoredIn() throws SQLException {
        long a = activeMaster("a");
        long b = activeMaster("b");
        long c = activeMaster("c");
        long first = done(db().schedulers().findSchedulerId("first"));
        long second = done(db().schedulers().findSchedulerId("second"));
        long git = done(db().changeSources().findChangeSourceId("git"));
        long svn = done(db().changeSources().findChangeSourceId("svn"));
        // Claimed last id first, and the first master rewritten: PostgreSQL stores its new row
        // version after the others, and the link tables hold the later ids' claims first.
        done(db().schedulers().setSchedulerMaster(second, b));
        done(db().schedulers().setSchedulerMaster(first, c));
        done(db().changeSources().setChangeSourceMaster(svn, b));
        done(db().changeSources().setChangeSourceMaster(git, c));
        execute("UPDATE masters SET name = name WHERE id = ?", a);

        ClusterState state = done(db().clusterState());

        assertThat(state.masters()).extracting(MasterModel::id).containsExactly(a, b, c);
        assertThat(state.schedulers()).extracting(SchedulerModel::id).containsExactly(first, second);
        assertThat(state.changeSources()).extracting(ChangeSourceModel::id).containsExactly(git, svn);
    }

    @Test
    void shouldRegisterSchedulersEnabledAndReportTheEnabledFlag() throws SQLException {
        long master = activeMaster("m");
        long on = done(db().schedulers().findSchedulerId("on"));
        long off = done(db().schedulers().findSchedulerId("off"));
        done(db().schedulers().setSchedulerMaster(off, master));

        assertThat(count("SELECT COUNT(*) FROM schedulers WHERE enabled = 1")).isEqualTo(2);
        execute("UPDATE schedulers SET enabled = 0 WHERE id = ?", off);

        assertThat(done(db().schedulers().getScheduler(on))).contains(new SchedulerModel(on, "on", true, null));
        assertThat(done(db().schedulers().getScheduler(off))).contains(new SchedulerModel(off, "off", false, master));
        assertThat(done(db().schedulers().getSchedulers(null, null)))
                .containsExactly(
                        new SchedulerModel(on, "on", true, null), new SchedulerModel(off, "off", false, master));
        assertThat(done(db().schedulers().getSchedulers(true, master)))
                .containsExactly(new SchedulerModel(off, "off", false, master));
        assertThat(done(db().schedulers()
                                .getSchedulers(ResultSpec.builder()
                                        .filter("enabled", ResultSpec.Operator.EQ, false)
                                        .build()))
                        .items())
                .containsExactly(new SchedulerModel(off, "off", false, master));
    }

    // ---------------------------------------------------------------- expiry

    @Test
    void shouldExpireOnlyActiveMastersWhoseLastCheckInIsOlderThanTheExpiry() {
        MastersConnector masters = db().masters();
        long inactive = done(masters.findMasterId("inactive")); // last_active = T0, never active
        long old = activeMaster("old"); // checks in at T0
        clock.set(T0.plusSeconds(60));
        long atLimit = activeMaster("at-limit");
        clock.set(T0.plusSeconds(300));
        long recent = activeMaster("recent");
        long older = activeMaster("older");
        clock.set(T0.minusSeconds(120)); // a check-in written by a clock running behind
        done(masters.setMasterState(older, true));

        clock.set(T0.plusSeconds(660)); // the limit is T0 + 60 s

        assertThat(ids(done(masters.getExpiredMasters(Duration.ofMinutes(10))))).containsExactly(old, older);

        clock.advance(Duration.ofSeconds(1));

        assertThat(done(masters.getExpiredMasters(Duration.ofMinutes(10))))
                .extracting(MasterModel::id, MasterModel::active, MasterModel::lastActive)
                .containsExactly(
                        tuple(old, true, T0),
                        tuple(atLimit, true, T0.plusSeconds(60)),
                        tuple(older, true, T0.minusSeconds(120)));
        assertThat(ids(done(masters.getExpiredMasters(Duration.ofDays(1))))).isEmpty();
        assertThat(ids(done(masters.getMasters()))).contains(inactive, recent);
    }

    @Test
    void shouldRejectAnExpiryThatIsNotPositiveAtOnce() {
        MastersConnector masters = db().masters();

        assertThatThrownBy(() -> masters.getExpiredMasters(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expiry 0s must be positive");
        assertThatThrownBy(() -> masters.getExpiredMasters(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expiry -1s must be positive");
        assertThatThrownBy(() -> masters.getExpiredMasters(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldUseTheDatabaseClockForCheckInsAndExpiryWhenAsked() throws SQLException {
        clock.set(YEAR_2001);
        DbConnector appClock = open(DbConnector.builder().clock(clock));
        DbConnector dbClock = open(DbConnector.builder().clock(clock).timeSource(TimeSource.DATABASE));
        assertThat(dbClock.timeSource()).isEqualTo(TimeSource.DATABASE);
        assertThat(appClock.timeSource()).isEqualTo(TimeSource.APPLICATION);

        long registered = done(dbClock.masters().findMasterId("registered"));
        long checkedIn = done(dbClock.masters().findMasterId("checked-in"));
        long stale = done(dbClock.masters().findMasterId("stale"));
        long fresh = done(dbClock.masters().findMasterId("fresh"));
        done(dbClock.masters().setMasterState(checkedIn, true));
        long realNow = Instant.now().getEpochSecond();
        execute("UPDATE masters SET active = 1, last_active = ? WHERE id = ?", realNow - 20 * 60, stale);
        execute("UPDATE masters SET active = 1, last_active = ? WHERE id = ?", realNow - 5 * 60, fresh);

        // Both writes took the database's time, not the application clock's 2001.
        assertThat(lastActive(dbClock, registered)).isCloseTo(Instant.now(), within(5, ChronoUnit.SECONDS));
        assertThat(lastActive(dbClock, checkedIn)).isCloseTo(Instant.now(), within(5, ChronoUnit.SECONDS));
        // The comparison takes the database's time too: by the application clock nothing is stale.
        assertThat(ids(done(dbClock.masters().getExpiredMasters(Duration.ofMinutes(10)))))
                .containsExactly(stale);
        assertThat(ids(done(appClock.masters().getExpiredMasters(Duration.ofMinutes(10)))))
                .isEmpty();
        // The application clock source really does write the application clock.
        done(appClock.masters().setMasterState(fresh, true));
        assertThat(lastActive(appClock, fresh)).isEqualTo(YEAR_2001);
    }

    @Test
    void shouldUseTheDatabaseClockForPruningWhenAsked() throws SQLException {
        clock.set(YEAR_2001);
        DbConnector appClock = open(DbConnector.builder().clock(clock));
        DbConnector dbClock = open(DbConnector.builder().clock(clock).timeSource(TimeSource.DATABASE));
        long old = done(dbClock.masters().findMasterId("stopped-two-hours-ago"));
        long recent = done(dbClock.masters().findMasterId("stopped-half-an-hour-ago"));
        long realNow = Instant.now().getEpochSecond();
        execute("UPDATE masters SET last_active = ? WHERE id = ?", realNow - 2 * 3600, old);
        execute("UPDATE masters SET last_active = ? WHERE id = ?", realNow - 1800, recent);

        // By the application clock (2001) both stopped in the future: nothing to prune.
        assertThat(done(appClock.masters().pruneMasters(Duration.ofHours(1)))).isEmpty();
        assertThat(ids(done(dbClock.masters().pruneMasters(Duration.ofHours(1)))))
                .containsExactly(old);
        assertThat(ids(done(dbClock.masters().getMasters()))).containsExactly(recent);
    }

    @Test
    void shouldReadTheDatabaseClockWhateverTheApplicationClockSays() {
        clock.set(YEAR_2001);

        List<Instant> readings = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assertThat(db().databaseNow())
                    .succeedsWithin(WAIT)
                    .satisfies(now -> assertThat(now)
                            .isCloseTo(Instant.ofEpochMilli(System.currentTimeMillis()), within(5, ChronoUnit.SECONDS)))
                    .satisfies(readings::add);
        }
        assertThat(readings)
                .as("read to the millisecond, not in whole seconds")
                .anySatisfy(now -> assertThat(now.getNano()).isNotZero());
    }

    @Test
    void shouldServeTheExpiryQueryFromTheActiveLastActiveIndex() throws SQLException {
        db(); // creates the schema
        long now = T0.getEpochSecond();
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO masters (name, name_hash, active, last_active) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < 1000; i++) {
                    String name = "long-dead-" + i;
                    boolean alive = i % 100 == 0;
                    insert.setString(1, name);
                    insert.setString(2, sha1(name));
                    insert.setInt(3, alive ? 1 : 0);
                    insert.setLong(4, alive ? now - 30 : now - 86_400 - i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
            connection.setAutoCommit(true);

            assertThat(explain(connection, EXPIRY_QUERY, now - 600)).contains(EXPIRY_INDEX);
        }
        clock.set(T0);
        assertThat(done(db().masters().getExpiredMasters(Duration.ofMinutes(10))))
                .isEmpty();
    }

    // ---------------------------------------------------------------- pruning

    @Test
    void shouldPruneOnlyUnreferencedMastersInactiveForLongerThanTheLimit() throws SQLException {
        // The connector learns which tables exist when it opens, so builds must exist before.
        db(); // the schema exists
        execute("CREATE TABLE builds (id INTEGER NOT NULL PRIMARY KEY, masterid INTEGER NOT NULL)");
        DbConnector withBuilds = open(DbConnector.builder().clock(clock));
        MastersConnector masters = withBuilds.masters();
        long prunable = done(masters.findMasterId("prunable")); // inactive since T0
        long withBuild = done(masters.findMasterId("with-build"));
        long withScheduler = done(masters.findMasterId("with-scheduler"));
        long withChangeSource = done(masters.findMasterId("with-change-source"));
        long active = activeMaster(withBuilds, "active");
        long alsoPrunable = done(masters.findMasterId("also-prunable"));
        clock.set(T0.plusSeconds(30 * 60));
        long atLimit = done(masters.findMasterId("at-limit"));
        clock.set(T0.plusSeconds(50 * 60));
        long recent = done(masters.findMasterId("recent"));
        execute("INSERT INTO builds (id, masterid) VALUES (1, ?)", withBuild);
        insertLink(Kind.SCHEDULER, done(Kind.SCHEDULER.findId(withBuilds, "s")), withScheduler);
        insertLink(Kind.CHANGE_SOURCE, done(Kind.CHANGE_SOURCE.findId(withBuilds, "cs")), withChangeSource);
        clock.set(T0.plusSeconds(60 * 60)); // the limit is T0 + 30 min

        List<MasterModel> pruned = done(masters.pruneMasters(Duration.ofMinutes(30)));

        assertThat(pruned)
                .containsExactly(
                        new MasterModel(prunable, "prunable", false, T0),
                        new MasterModel(alsoPrunable, "also-prunable", false, T0));
        assertThat(ids(done(masters.getMasters())))
                .containsExactly(withBuild, withScheduler, withChangeSource, active, atLimit, recent);
        assertThat(count("SELECT COUNT(*) FROM builds WHERE masterid = ?", withBuild))
                .isEqualTo(1);
        assertThat(done(masters.pruneMasters(Duration.ofMinutes(30)))).isEmpty();
    }

    @Test
    void shouldRejectANegativePruneDurationAtOnceAndPruneNothing() {
        MastersConnector masters = db().masters();
        long master = done(masters.findMasterId("inactive"));
        clock.advance(Duration.ofDays(1));

        assertThatThrownBy(() -> masters.pruneMasters(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inactive-for -1s must not be negative");
        assertThatThrownBy(() -> masters.pruneMasters(null)).isInstanceOf(NullPointerException.class);
        assertThat(ids(done(masters.getMasters()))).containsExactly(master);
    }

    // ---------------------------------------------------------------- helpers

    /** The suite's connector, opened on first use (creating the schema) with the fake clock. */
    private DbConnector db() {
        if (db == null) {
            db = DbConnector.builder().url(database.url()).clock(clock).open();
        }
        return db;
    }

    /** The suite's connector with one connection per racer, so that all hit the database at once. */
    private DbConnector racingDb() {
        if (racingDb == null) {
            racingDb = DbConnector.builder()
                    .url(database.url())
                    .clock(clock)
                    .poolSize(RACERS)
                    .open();
        }
        return racingDb;
    }

    /** A connector of this test only, closed after it. */
    private DbConnector open(DbConnector.Builder builder) {
        DbConnector connector = builder.url(database.url()).open();
        openedByTest.add(connector);
        return connector;
    }

    private long activeMaster(String name) {
        return activeMaster(db(), name);
    }

    private static long activeMaster(DbConnector db, String name) {
        long id = done(db.masters().findMasterId(name));
        done(db.masters().setMasterState(id, true));
        return id;
    }

    private static long[] activeMasters(DbConnector db, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = activeMaster(db, "racer-" + i);
        }
        return ids;
    }

    /**
     * Starts {@code RACERS} calls at the same moment from as many threads and returns their futures
     * once all have completed, successfully or not.
     */
    private static <T> List<CompletableFuture<T>> race(IntFunction<CompletableFuture<T>> call) throws Exception {
        CyclicBarrier start = new CyclicBarrier(RACERS);
        List<CompletableFuture<CompletableFuture<T>>> submitted = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            int racer = i;
            CompletableFuture<CompletableFuture<T>> started = new CompletableFuture<>();
            Thread thread = new Thread(
                    () -> {
                        try {
                            start.await(10, TimeUnit.SECONDS);
                            started.complete(call.apply(racer));
                        } catch (Throwable e) {
                            started.completeExceptionally(e);
                        }
                    },
                    "racer-" + i);
            thread.start();
            submitted.add(started);
        }
        List<CompletableFuture<T>> results = new ArrayList<>();
        for (CompletableFuture<CompletableFuture<T>> started : submitted) {
            results.add(started.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return results;
    }

    private void assertExactlyOneClaimWon(Kind kind, long id, long[] masters, List<CompletableFuture<Void>> claims)
            throws SQLException {
        List<Long> winners = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            try {
                claims.get(i).join();
                winners.add(masters[i]);
            } catch (RuntimeException e) {
                failures.add(e.getCause());
            }
        }
        assertThat(winners).hasSize(1);
        long winner = winners.get(0);
        assertThat(failures)
                .hasSize(RACERS - 1)
                .allSatisfy(e -> assertThat(e)
                        .isInstanceOfSatisfying(
                                AlreadyClaimedException.class,
                                claimed -> assertThat(claimed.ownerId()).isEqualTo(winner)));
        assertThat(linkOwners(kind, id)).containsExactly(winner);
        assertThat(count("SELECT COUNT(*) FROM " + kind.linkTable)).isEqualTo(1);
    }

    private static Instant lastActive(DbConnector db, long master) {
        return done(db.masters().getMaster(master)).orElseThrow().lastActive();
    }

    private static List<Long> ids(List<MasterModel> masters) {
        return masters.stream().map(MasterModel::id).toList();
    }

    private static <T> T done(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("operation failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError("operation did not complete: " + e, e);
        }
    }

    /**
     * Deletes every row multimaster's tables hold and drops the tables tests add, leaving the schema
     * as migrations created it. A database without tables (a fresh SQLite file) is left alone.
     */
    private void emptyTables() throws SQLException {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            Set<String> tables = new HashSet<>();
            try (ResultSet rs = connection
                    .getMetaData()
                    .getTables(connection.getCatalog(), connection.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
                }
            }
            for (String table : ADDED_TABLES) {
                if (tables.contains(table)) {
                    statement.execute("DROP TABLE " + table);
                }
            }
            for (String table : SCHEMA_TABLES) {
                if (tables.contains(table)) {
                    statement.execute("DELETE FROM " + table);
                }
            }
        }
    }

    private void insertLink(Kind kind, long componentId, long masterId) throws SQLException {
        execute(
                "INSERT INTO " + kind.linkTable + " (" + kind.idColumn + ", masterid) VALUES (?, ?)",
                componentId,
                masterId);
    }

    private List<Long> linkOwners(Kind kind, long componentId) throws SQLException {
        List<Long> owners = new ArrayList<>();
        try (Connection connection = database.connect();
                PreparedStatement select = prepare(
                        connection,
                        "SELECT masterid FROM " + kind.linkTable + " WHERE " + kind.idColumn + " = ?",
                        componentId);
                ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                owners.add(rs.getLong(1));
            }
        }
        return owners;
    }

    private long count(String sql, Object... params) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement select = prepare(connection, sql, params);
                ResultSet rs = select.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    private @Nullable String queryString(String sql, Object... params) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement select = prepare(connection, sql, params);
                ResultSet rs = select.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private void execute(String sql, Object... params) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement statement = prepare(connection, sql, params)) {
            statement.execute();
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    private static String sha1(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(name.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A scheduler or change source, as both connectors report it (schedulers' flag aside). */
    record Component(long id, String name, @Nullable Long masterId) {}

    /** The two claimable kinds, which obey the same contract through their own connectors. */
    enum Kind {
        SCHEDULER("schedulers", "scheduler_masters", "schedulerid") {
            @Override
            CompletableFuture<Long> findId(DbConnector db, String name) {
                return db.schedulers().findSchedulerId(name);
            }

            @Override
            CompletableFuture<Void> setMaster(DbConnector db, long id, @Nullable Long masterId) {
                return db.schedulers().setSchedulerMaster(id, masterId);
            }

            @Override
            CompletableFuture<Optional<Component>> get(DbConnector db, long id) {
                return db.schedulers().getScheduler(id).thenApply(s -> s.map(Kind::of));
            }

            @Override
            CompletableFuture<List<Component>> list(DbConnector db, @Nullable Boolean active, @Nullable Long masterId) {
                return db.schedulers()
                        .getSchedulers(active, masterId)
                        .thenApply(all -> all.stream().map(Kind::of).toList());
            }

            @Override
            CompletableFuture<ListResult<Component>> query(DbConnector db, ResultSpec spec) {
                return db.schedulers()
                        .getSchedulers(spec)
                        .thenApply(page -> new ListResult<>(
                                page.items().stream().map(Kind::of).toList(),
                                page.total(),
                                page.offset(),
                                page.limit()));
            }
        },
        CHANGE_SOURCE("changesources", "changesource_masters", "changesourceid") {
            @Override
            CompletableFuture<Long> findId(DbConnector db, String name) {
                return db.changeSources().findChangeSourceId(name);
            }

            @Override
            CompletableFuture<Void> setMaster(DbConnector db, long id, @Nullable Long masterId) {
                return db.changeSources().setChangeSourceMaster(id, masterId);
            }

            @Override
            CompletableFuture<Optional<Component>> get(DbConnector db, long id) {
                return db.changeSources().getChangeSource(id).thenApply(c -> c.map(Kind::of));
            }

            @Override
            CompletableFuture<List<Component>> list(DbConnector db, @Nullable Boolean active, @Nullable Long masterId) {
                return db.changeSources()
                        .getChangeSources(active, masterId)
                        .thenApply(all -> all.stream().map(Kind::of).toList());
            }

            @Override
            CompletableFuture<ListResult<Component>> query(DbConnector db, ResultSpec spec) {
                return db.changeSources()
                        .getChangeSources(spec)
                        .thenApply(page -> new ListResult<>(
                                page.items().stream().map(Kind::of).toList(),
                                page.total(),
                                page.offset(),
                                page.limit()));
            }
        };

        final String table;
        final String linkTable;
        final String idColumn;

        Kind(String table, String linkTable, String idColumn) {
            this.table = table;
            this.linkTable = linkTable;
            this.idColumn = idColumn;
        }

        abstract CompletableFuture<Long> findId(DbConnector db, String name);

        abstract CompletableFuture<Void> setMaster(DbConnector db, long id, @Nullable Long masterId);

        abstract CompletableFuture<ListResult<Component>> query(DbConnector db, ResultSpec spec);

        abstract CompletableFuture<Optional<Component>> get(DbConnector db, long id);

        abstract CompletableFuture<List<Component>> list(
                DbConnector db, @Nullable Boolean active, @Nullable Long masterId);

        private static Component of(SchedulerModel s) {
            return new Component(s.id(), s.name(), s.masterId());
        }

        private static Component of(ChangeSourceModel c) {
            return new Component(c.id(), c.name(), c.masterId());
        }
    }
}
