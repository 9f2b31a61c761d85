package org.multimaster.runtime;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.SchedulerModel;
import org.multimaster.db.testing.LoggedMessages;
import org.multimaster.db.testing.MutableClock;
import org.multimaster.db.testing.TestDatabase;

/**
 * The lifecycle of SPEC §5 and the runtime rules of issue 3, on a fake clock, run against every
 * database by a tiny subclass. Heartbeats are driven by the test ({@code autoHeartbeat(false)}).
 */
abstract class MasterRuntimeContract {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration INTERVAL = Duration.ofSeconds(60);
    static final Duration EXPIRY = Duration.ofMinutes(10);

    @TempDir
    Path tempDir;

    TestDatabase database;
    MutableClock clock;
    DbConnector db;
    MastersConnector masters;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final List<MasterEvent> events = new CopyOnWriteArrayList<>();
    final List<MasterModel> housekept = new CopyOnWriteArrayList<>();

    abstract TestDatabase database(Path tempDir);

    @BeforeEach
    void setUp() {
        database = database(tempDir);
        database.reset();
        clock = new MutableClock(T0);
        db = open();
        masters = db.masters();
    }

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    DbConnector open() {
        DbConnector connector = DbConnector.builder()
                .url(database.url())
                .clock(clock)
                .poolSize(4)
                .open();
        toClose.add(connector);
        return connector;
    }

    MasterRuntime.Builder runtime(String name) {
        return runtime(db, name);
    }

    MasterRuntime.Builder runtime(DbConnector connector, String name) {
        return MasterRuntime.builder(connector)
                .name(name)
                .heartbeatInterval(INTERVAL)
                .expiry(EXPIRY)
                .autoHeartbeat(false)
                .events(events::add)
                .housekeeping(housekept::add);
    }

    /** Builds and starts a runtime; returns once its listeners have heard of the startup. */
    MasterRuntime started(MasterRuntime.Builder builder) {
        MasterRuntime runtime = builder.build();
        toClose.add(runtime);
        runtime.start();
        assertThat(runtime.awaitListeners(Duration.ofSeconds(30))).isTrue();
        return runtime;
    }

    /** Registers a peer that checked in at {@code lastActive} and is still marked active. */
    long peer(String name, Instant lastActive) {
        Instant saved = clock.instant();
        clock.set(lastActive);
        long id = masters.findMasterId(name).join();
        masters.setMasterState(id, true).join();
        clock.set(saved);
        return id;
    }

    /** A claim listener that adds each lost component's name, or the reason it was lost, to {@code lost}. */
    static ClaimListener recordingLosses(List<String> lost, boolean reasons) {
        return new ClaimListener() {
            @Override
            public void lost(Component component, String reason) {
                lost.add(reasons ? reason : component.name());
            }
        };
    }

    MasterModel master(long id) {
        return masters.getMaster(id).join().orElseThrow();
    }

    Set<Component> schedulers(String... names) {
        Set<Component> set = new java.util.HashSet<>();
        for (String n : names) {
            set.add(Component.scheduler(n));
        }
        return set;
    }

    @Test
    void shouldRegisterThenMarkActiveWithStartedEventOnStart() {
        MasterRuntime runtime = started(runtime("host:/a"));

        MasterModel self = master(runtime.masterId());
        assertThat(self.name()).isEqualTo("host:/a");
        assertThat(self.active()).isTrue();
        assertThat(self.lastActive()).isEqualTo(T0);
        assertThat(events)
                .containsExactly(new MasterEvent(MasterEvent.Type.STARTED, runtime.masterId(), "host:/a", true));
        assertThat(housekept).isEmpty();
        assertThat(runtime.isActive()).isTrue();
    }

    @Test
    void shouldCountWhatItExpiresAndClaimsAtStartInWords() {
        long dead = peer("host:/dead", T0.minus(EXPIRY).minusSeconds(1));
        List<String> logged = LoggedMessages.of(
                MasterRuntime.class,
                ch.qos.logback.classic.Level.INFO,
                () -> started(runtime("host:/a").schedulers(List.of("s1"))));

        long id = masters.findMasterId("host:/a").join();
        assertThat(master(dead).active()).isFalse();
        assertThat(logged)
                .contains(
                        "master " + id + " ('host:/a'): 1 peer expired; checking in",
                        "master " + id + " ('host:/a'): active; claiming 1 component");
    }

    @Test
    void shouldCleanOwnStaleClaimsAndHousekeepOnceWhenRestartedAfterACrash() {
        long id = peer("host:/crashed", T0.minusSeconds(30));
        long scheduler = db.schedulers().findSchedulerId("nightly").join();
        db.schedulers().setSchedulerMaster(scheduler, id).join();

        MasterRuntime runtime = started(runtime("host:/crashed"));

        assertThat(runtime.masterId()).isEqualTo(id);
        assertThat(housekept).extracting(MasterModel::id).containsExactly(id);
        assertThat(events)
                .containsExactly(
                        new MasterEvent(MasterEvent.Type.STOPPED, id, "host:/crashed", false),
                        new MasterEvent(MasterEvent.Type.STARTED, id, "host:/crashed", true));
        assertThat(db.schedulers().getScheduler(scheduler).join().orElseThrow().masterId())
                .as("the stale claim of the crashed run is released")
                .isNull();
    }

    @Test
    void shouldWarnThatAnotherProcessMayRunTheMasterWhenItFindsItselfActiveAndRecentlyCheckedIn() {
        peer("host:/twice", T0.minusSeconds(30));
        // A check-in is stored in whole seconds, the clock reads nanoseconds: the age has a fraction.
        clock.set(T0.plusNanos(41_617_624));
        List<String> recent = warningsOf(MasterRuntime.class, () -> started(runtime("host:/twice")));
        // Registered only now: the first master's startup would have expired it.
        peer("host:/long-dead", T0.minus(EXPIRY).minusSeconds(1));
        List<String> old = warningsOf(MasterRuntime.class, () -> started(runtime("host:/long-dead")));

        assertThat(recent)
                .anySatisfy(message -> assertThat(message)
                        .contains("was still marked active, last checked in 30s ago: it did not shut down cleanly, or"
                                + " another process runs it now under this name (if so, stop one of them or give each"
                                + " its own name: they would share one master and its claims); its stale claims"));
        assertThat(old)
                .anySatisfy(message -> assertThat(message)
                        .contains("was still marked active, last checked in 10m 1s ago: it did not shut down cleanly;"
                                + " its stale claims"));
    }

    /** The warnings {@code source}'s logger wrote while {@code action} ran. */
    private static List<String> warningsOf(Class<?> source, Runnable action) {
        return LoggedMessages.of(source, ch.qos.logback.classic.Level.WARN, action);
    }

    @Test
    void shouldExpireAPeerOnlyWhenItsLastCheckInIsOlderThanTheExpiry() {
        long peer = peer("host:/peer", T0);
        MasterRuntime runtime = started(runtime("host:/a"));
        events.clear();

        clock.advance(EXPIRY);
        runtime.heartbeat();
        assertThat(master(peer).active()).as("exactly at the limit").isTrue();
        assertThat(housekept).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        List<String> logged = LoggedMessages.of(Expiry.class, ch.qos.logback.classic.Level.INFO, runtime::heartbeat);
        assertThat(logged)
                .containsExactly(
                        "expired master " + peer + " ('host:/peer'): last check-in " + T0 + " is more than 10m ago");
        assertThat(master(peer).active()).isFalse();
        assertThat(master(peer).lastActive())
                .as("deactivation keeps last_active")
                .isEqualTo(T0);
        assertThat(housekept).extracting(MasterModel::id).containsExactly(peer);
        assertThat(events).containsExactly(new MasterEvent(MasterEvent.Type.STOPPED, peer, "host:/peer", false));

        clock.advance(INTERVAL);
        runtime.heartbeat();
        assertThat(housekept).as("housekeeping runs once per deactivation").hasSize(1);
        assertThat(master(runtime.masterId()).lastActive()).isEqualTo(clock.instant());
    }

    @Test
    void shouldExpireSilentPeersAtStartup() {
        long dead = peer("host:/dead", T0.minus(EXPIRY).minusSeconds(1));
        long alive = peer("host:/alive", T0.minus(EXPIRY));

        started(runtime("host:/a"));

        assertThat(master(dead).active()).isFalse();
        assertThat(master(alive).active()).isTrue();
        assertThat(housekept).extracting(MasterModel::id).containsExactly(dead);
    }

    @Test
    void shouldTakeOverTheSchedulersOfAnExpiredPeer() {
        long peer = peer("host:/peer", T0);
        long nightly = db.schedulers().findSchedulerId("nightly").join();
        db.schedulers().setSchedulerMaster(nightly, peer).join();
        List<String> claims = new CopyOnWriteArrayList<>();
        MasterRuntime runtime = started(runtime("host:/a")
                .schedulers(List.of("nightly", "hourly"))
                .changeSources(List.of("git"))
                .claims(new ClaimListener() {
                    @Override
                    public void claimed(Component component) {
                        claims.add("+" + component.name());
                    }
                }));

        assertThat(runtime.ownedComponents())
                .containsExactlyInAnyOrder(Component.scheduler("hourly"), Component.changeSource("git"));

        clock.advance(EXPIRY.plusSeconds(1));
        runtime.heartbeat();

        assertThat(runtime.ownedComponents())
                .containsExactlyInAnyOrder(
                        Component.scheduler("hourly"), Component.scheduler("nightly"), Component.changeSource("git"));
        assertThat(db.schedulers().getScheduler(nightly).join().orElseThrow().masterId())
                .isEqualTo(runtime.masterId());
        assertThat(claims).containsExactlyInAnyOrder("+hourly", "+git", "+nightly");
    }

    @Test
    void shouldLearnItWasDeclaredDeadAndClaimAgainOnlyWhatIsFree() {
        List<String> lost = new CopyOnWriteArrayList<>();
        MasterRuntime runtime =
                started(runtime("host:/a").schedulers(List.of("s1", "s2")).claims(recordingLosses(lost, false)));
        assertThat(runtime.ownedComponents()).isEqualTo(schedulers("s1", "s2"));

        // A peer declares this master dead (as after a long pause) and takes s1.
        assertThat(masters.setMasterState(runtime.masterId(), false).join()).isTrue();
        long other = peer("host:/other", T0);
        long s1 = db.schedulers().findSchedulerId("s1").join();
        db.schedulers().setSchedulerMaster(s1, other).join();
        events.clear();

        clock.advance(INTERVAL);
        runtime.heartbeat();

        assertThat(lost).containsExactlyInAnyOrder("s1", "s2");
        assertThat(runtime.ownedComponents()).isEqualTo(schedulers("s2"));
        assertThat(db.schedulers().getScheduler(s1).join().orElseThrow().masterId())
                .isEqualTo(other);
        assertThat(events)
                .containsExactly(new MasterEvent(MasterEvent.Type.STARTED, runtime.masterId(), "host:/a", true));
        assertThat(master(runtime.masterId()).active()).isTrue();
    }

    @Test
    void shouldNotBlameAPeerAloneWhenItWasMarkedInactiveWhileItRan() {
        // Before, an operator's 'deactivate' of a running master was logged as a peer's doing, with a
        // pause of the master's as the likely cause.
        MasterRuntime runtime = started(runtime("host:/a").schedulers(List.of("s1")));
        assertThat(masters.setMasterState(runtime.masterId(), false).join()).isTrue();
        clock.advance(INTERVAL);

        List<String> logged = new ArrayList<>();
        logged.addAll(LoggedMessages.of(
                Claims.class,
                ch.qos.logback.classic.Level.WARN,
                () -> logged.addAll(LoggedMessages.of(
                        MasterRuntime.class, ch.qos.logback.classic.Level.WARN, runtime::heartbeat))));

        long id = runtime.masterId();
        assertThat(logged)
                .containsExactly(
                        "master " + id + " ('host:/a') was marked inactive by another process although it is running:"
                                + " by an operator, or by a peer that found it silent for longer than 10m (a pause?);"
                                + " its components are stopped, it claims again what is free",
                        "master " + id + " ('host:/a') lost scheduler 's1': another process marked this master"
                                + " inactive");
        assertThat(runtime.ownedComponents()).isEqualTo(schedulers("s1"));
        assertThat(master(id).active()).isTrue();
    }

    @Test
    void shouldRegisterAgainUnderItsNameWhenItsRowWasDeletedWhileItRan() {
        List<String> lost = new CopyOnWriteArrayList<>();
        MasterRuntime runtime =
                started(runtime("host:/a").schedulers(List.of("s1")).claims(recordingLosses(lost, true)));
        long deleted = runtime.masterId();
        // A peer declares it dead during a pause, then an operator prunes the inactive masters.
        assertThat(masters.setMasterState(deleted, false).join()).isTrue();
        clock.advance(INTERVAL);
        assertThat(masters.pruneMasters(Duration.ZERO).join())
                .extracting(MasterModel::id)
                .containsExactly(deleted);
        events.clear();

        clock.advance(INTERVAL);
        List<String> warnings = warningsOf(MasterRuntime.class, runtime::heartbeat);
        long again = runtime.masterId();
        clock.advance(INTERVAL);
        runtime.heartbeat();

        assertThat(warnings)
                .containsExactly("master " + deleted + " ('host:/a') was deleted from the database while it ran (by"
                        + " 'multimaster prune' after a peer expired it, or by hand): peers could not see it; it"
                        + " registers again as master " + again);
        assertThat(lost).containsExactly("this master's row was deleted from the database");
        assertThat(masters.getMasters().join())
                .containsExactly(new MasterModel(again, "host:/a", true, clock.instant()));
        assertThat(db.schedulers().getSchedulers(true, again).join())
                .extracting(SchedulerModel::name)
                .containsExactly("s1");
        assertThat(runtime.ownedComponents()).isEqualTo(schedulers("s1"));
        assertThat(events)
                .containsExactly(
                        new MasterEvent(MasterEvent.Type.STOPPED, deleted, "host:/a", false),
                        new MasterEvent(MasterEvent.Type.STARTED, again, "host:/a", true));
        assertThat(runtime.status().masterId()).isEqualTo(again);
    }

    @Test
    void shouldRegisterAgainWhenItsRowIsDeletedAsItRegisters() {
        MasterRuntime runtime = runtime(deletingNewRows(1), "host:/a").build();
        toClose.add(runtime);

        List<String> warnings = warningsOf(MasterRuntime.class, runtime::start);

        assertThat(warnings)
                .singleElement(as(STRING))
                .matches("master 'host:/a' was deleted from the database as it registered \\(as id \\d+\\);"
                        + " registering again");
        assertThat(masters.getMasters().join())
                .containsExactly(new MasterModel(runtime.masterId(), "host:/a", true, T0));
    }

    @Test
    void shouldGiveUpStartingWhenItsRowIsDeletedEachTimeItRegisters() {
        MasterRuntime runtime = runtime(deletingNewRows(3), "host:/a").build();
        toClose.add(runtime);

        assertThatThrownBy(runtime::start)
                .isInstanceOf(MultimasterException.class)
                .hasMessage("master 'host:/a' was deleted from the database each time it registered (3 times):"
                        + " something deletes inactive masters as they appear, such as 'multimaster prune"
                        + " --inactive-for 0s' in a loop; stop that and start again");
        assertThat(masters.getMasters().join()).isEmpty();
    }

    /**
     * The connector {@code db} whose {@code findMasterId} deletes the row it found the first {@code
     * times} times, before it answers: a master pruned the moment it registered.
     */
    @SuppressWarnings("unchecked")
    private DbConnector deletingNewRows(int times) {
        AtomicInteger left = new AtomicInteger(times);
        MastersConnector deleting = forwarding(
                MastersConnector.class,
                masters,
                (method, result) -> method.getName().equals("findMasterId") && left.getAndDecrement() > 0
                        ? ((CompletableFuture<Long>) result).thenApply(id -> {
                            deleteMaster(id);
                            return id;
                        })
                        : result);
        return forwarding(
                DbConnector.class, db, (method, result) -> method.getName().equals("masters") ? deleting : result);
    }

    /** A proxy of {@code type} that calls {@code target} and gives its result to {@code answer}. */
    private static <T> T forwarding(Class<T> type, T target, BiFunction<Method, Object, Object> answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            try {
                return answer.apply(method, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    private void deleteMaster(long id) {
        try (Connection c = database.connect();
                PreparedStatement delete = c.prepareStatement("DELETE FROM masters WHERE id = ?")) {
            delete.setLong(1, id);
            assertThat(delete.executeUpdate()).isOne();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * On its own heartbeat, in real time: the outage fence falls one interval before peers may
     * expire the master, from the whole second of its last check-in; at the shortest expiry it
     * accepts, the next check-in always lands first. (At twice the interval, 2010ms for 1s or 201ms
     * for 100ms, the fence fell before every check-in, and the master lost and claimed its
     * components again at every beat; at 1200ms for 100ms, whenever a check-in took 10 ms.)
     */
    @ParameterizedTest
    @CsvSource({"1000, 3000, 4", "100, 2200, 30", "1500, 5000, 3"})
    void shouldKeepItsComponentsThroughCheckInsOnTimeAtTheShortestExpiryItAccepts(
            long intervalMs, long expiryMs, int checkIns) throws Exception {
        List<String> lost = new CopyOnWriteArrayList<>();
        MasterRuntime runtime = started(MasterRuntime.builder(openRealTime(4))
                .name("host:/a")
                .heartbeatInterval(Duration.ofMillis(intervalMs))
                .expiry(Duration.ofMillis(expiryMs))
                .schedulers(List.of("s1"))
                .claims(recordingLosses(lost, false)));

        awaitTrue(checkIns + " check-ins", () -> runtime.status().checkIns() >= checkIns);

        assertThat(lost).as("components stopped while every check-in succeeded").isEmpty();
        assertThat(runtime.ownedComponents()).isEqualTo(schedulers("s1"));
    }

    /**
     * A check-in that waits for another session's lock longer than an interval is warned of; when it
     * completes, that is said too, or the warning would be the log's last word on it.
     */
    @Test
    void shouldSayThatAStalledCheckInCompleted() throws Exception {
        MasterRuntime runtime = started(MasterRuntime.builder(openRealTime(4))
                .name("host:/waiting")
                .heartbeatInterval(Duration.ofSeconds(1))
                .expiry(Duration.ofSeconds(30)));
        awaitTrue("a check-in by the heartbeat thread", () -> runtime.status().checkIns() >= 2);

        List<String> logged = LoggedMessages.of(CheckIns.class, ch.qos.logback.classic.Level.INFO, () -> {
            try {
                long before;
                try (AutoCloseable lock = database.lockMastersTable()) {
                    before = runtime.status().checkIns();
                    Thread.sleep(2_500); // a check-in waits for the lock and is warned of
                }
                awaitTrue(
                        "the check-in that waited, and one more",
                        () -> runtime.status().checkIns() >= before + 2);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(logged)
                .anySatisfy(line -> assertThat(line)
                        .matches("master \\d+ \\('host:/waiting'\\): the check-in sent at \\S+\\.\\d{3}Z completed"
                                + " after \\d+(ms|s)"));
        assertThat(runtime.status().checkInFailures()).isZero();
    }

    @Test
    void shouldStopOwnedComponentsBeforePeersMayTakeThemOverWhenCheckInsKeepFailing() throws Exception {
        Duration interval = Duration.ofSeconds(1);
        Duration expiry = Duration.ofSeconds(4);
        List<String> lost = new CopyOnWriteArrayList<>();
        MasterRuntime runtime = started(runtime("host:/a")
                .heartbeatInterval(interval)
                .expiry(expiry)
                .schedulers(List.of("s1"))
                .claims(recordingLosses(lost, false)));
        assertThat(runtime.ownedComponents()).isEqualTo(schedulers("s1"));

        try (AutoCloseable outage = database.lockMastersTable()) {
            for (int second = 1; second <= 2; second++) {
                clock.advance(interval);
                runtime.heartbeat(); // fails: the table is locked
            }
            assertThat(lost)
                    .as("2 s without check-in, expiry 4 s: keep running")
                    .isEmpty();
            clock.advance(interval);
            runtime.heartbeat();
            assertThat(lost).as("3 s = expiry minus one interval: stop").containsExactly("s1");
            assertThat(runtime.ownedComponents()).isEmpty();
        }

        clock.advance(interval);
        runtime.heartbeat();
        assertThat(runtime.ownedComponents())
                .as("claimed again once the database is back")
                .isEqualTo(schedulers("s1"));
        assertThat(master(runtime.masterId()).lastActive()).isEqualTo(clock.instant());
    }

    @Test
    void shouldSayHowLongItHasNotCheckedInInWholeUnitsWhenItStopsItsComponents() throws Exception {
        Duration interval = Duration.ofSeconds(1);
        List<String> lost = new CopyOnWriteArrayList<>();
        MasterRuntime runtime = started(runtime("host:/a")
                .heartbeatInterval(interval)
                .expiry(Duration.ofSeconds(4))
                .schedulers(List.of("s1"))
                .claims(recordingLosses(lost, true)));
        List<String> warnings;
        try (AutoCloseable outage = database.lockMastersTable()) {
            warnings = warningsOf(MasterRuntime.class, () -> {
                for (int beat = 1; beat <= 3; beat++) {
                    clock.advance(interval.plusMillis(250));
                    runtime.heartbeat(); // does not check in: the table is locked
                }
            });
        }

        assertThat(warnings)
                .anySatisfy(message -> assertThat(message)
                        .endsWith("has not checked in for 3s: stopping its 1 component one interval before peers may"
                                + " take it over"));
        assertThat(lost).containsExactly("this master could not check in for 3s");
    }

    @Test
    void shouldKeepHeartbeatingAndCallOtherListenersWhenAHousekeepingListenerThrows() {
        long peer = peer("host:/peer", T0);
        AtomicInteger second = new AtomicInteger();
        MasterRuntime runtime = started(runtime("host:/a")
                .housekeeping(m -> {
                    throw new IllegalStateException("listener bug");
                })
                .housekeeping(m -> second.incrementAndGet()));

        clock.advance(EXPIRY.plusSeconds(1));
        runtime.heartbeat();
        clock.advance(INTERVAL);
        runtime.heartbeat();

        assertThat(master(peer).active()).isFalse();
        assertThat(second).hasValue(1);
        assertThat(housekept).hasSize(1);
        assertThat(master(runtime.masterId()).lastActive()).isEqualTo(clock.instant());
    }

    @Test
    void shouldReleaseClaimsAndMarkStoppedOnClose() {
        MasterRuntime runtime =
                started(runtime("host:/a").schedulers(List.of("s1")).changeSources(List.of("git")));
        long id = runtime.masterId();
        events.clear();

        runtime.close();
        runtime.close();

        assertThat(master(id).active()).isFalse();
        assertThat(db.schedulers().getSchedulers(true, null).join()).isEmpty();
        assertThat(db.changeSources().getChangeSources(true, null).join()).isEmpty();
        assertThat(events).containsExactly(new MasterEvent(MasterEvent.Type.STOPPED, id, "host:/a", false));
        assertThat(runtime.isActive()).isFalse();
        assertThat(runtime.ownedComponents()).isEmpty();
    }

    @Test
    void shouldHousekeepEachDeadPeerExactlyOnceWhenEightMastersExpireThemAtOnce() throws Exception {
        int runtimes = 8;
        int deadPeers = 5;
        List<Long> dead = new ArrayList<>();
        for (int i = 0; i < deadPeers; i++) {
            dead.add(peer("host:/dead-" + i, T0.minus(EXPIRY).minusSeconds(5)));
        }
        Map<Long, AtomicInteger> housekeepingRuns = new ConcurrentHashMap<>();
        List<MasterRuntime> all = new ArrayList<>();
        // Each runtime starts without expiring (its peers are not yet stale), each on its own pool.
        clock.set(T0.minus(EXPIRY));
        for (int i = 0; i < runtimes; i++) {
            all.add(started(runtime(open(), "host:/live-" + i)
                    .housekeeping(m -> housekeepingRuns
                            .computeIfAbsent(m.id(), k -> new AtomicInteger())
                            .incrementAndGet())));
        }
        clock.set(T0);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(runtimes);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (MasterRuntime runtime : all) {
                done.add(pool.submit(() -> {
                    go.await();
                    runtime.heartbeat();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        for (long id : dead) {
            assertThat(housekeepingRuns.get(id))
                    .as("housekeeping runs of master %d", id)
                    .hasValue(1);
            assertThat(master(id).active()).isFalse();
        }
        assertThat(housekeepingRuns).hasSize(deadPeers);
        assertThat(events.stream().filter(e -> e.type() == MasterEvent.Type.STOPPED))
                .extracting(MasterEvent::masterId)
                .containsExactlyInAnyOrderElementsOf(dead);
    }

    @Test
    void shouldRefuseConfigurationsThatCannotWork() {
        assertThatThrownBy(() -> runtime("a")
                        .heartbeatInterval(Duration.ofSeconds(40))
                        .expiry(Duration.ofSeconds(80))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expiry 80s must be at least 81s: twice the heartbeat interval 40s, so that a master"
                        + " that misses one check-in is not expired, plus a second, as last_active holds whole"
                        + " seconds; with less, a master that checks in on time stops its components at every beat;"
                        + " lower --heartbeat or raise --expire");
        assertThatThrownBy(() -> runtime("a")
                        .heartbeatInterval(Duration.ofSeconds(1))
                        .expiry(Duration.ofMillis(2999))
                        .build())
                .hasMessageStartingWith("expiry 2999ms must be at least 3s: ");
        assertThatThrownBy(() -> runtime("a")
                        .heartbeatInterval(Duration.ofMillis(100))
                        .expiry(Duration.ofMillis(2199))
                        .build())
                .hasMessageStartingWith("expiry 2199ms must be at least 2200ms: twice the heartbeat interval 100ms,"
                        + " so that a master that misses one check-in is not expired, plus two seconds, as"
                        + " last_active holds whole seconds and a check-in every 100ms may be sent at any point of"
                        + " one; ");
        assertThatThrownBy(() -> runtime("a").heartbeatInterval(Duration.ZERO).build())
                .hasMessage("heartbeat interval 0s must be positive; raise --heartbeat");
        assertThatThrownBy(() ->
                        runtime("a").heartbeatInterval(Duration.ofMillis(1)).build())
                .hasMessage("heartbeat interval 1ms is below 100ms: each check-in is a durable write to the shared"
                        + " database, and one that has not completed holds the next back; raise --heartbeat");
        MasterRuntime fastest = runtime("a")
                .heartbeatInterval(Duration.ofMillis(100))
                .expiry(Duration.ofMillis(2200))
                .build();
        toClose.add(fastest);
        assertThat(fastest.name()).isEqualTo("a");
        assertThatThrownBy(() -> runtime("a").expiry(Duration.ofSeconds(-1)).build())
                .hasMessage("expiry -1s must be positive; raise --expire");
        assertThatThrownBy(() -> MasterRuntime.builder(db).build())
                .hasMessage("master name is required; pass --name NAME");
    }

    @Test
    void shouldRefuseIntervalsTooLongToCountAndRunAtTheLongest() {
        // Before, an expiry of 999999999999d was taken and start() stopped without a word after its
        // first check-in (the outage fence's date overflowed), and a heartbeat of 300000000000d failed
        // with a bare ArithmeticException.
        assertThatThrownBy(() ->
                        runtime("a").expiry(Duration.ofDays(999_999_999_999L)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expiry 999999999999d is longer than the longest multimaster accepts, 36500d (100"
                        + " years, as good as never); lower --expire");
        assertThatThrownBy(() -> runtime("a")
                        .heartbeatInterval(Duration.ofDays(300_000_000_000L))
                        .expiry(Duration.ofDays(999_999_999_999L))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("heartbeat interval 300000000000d is longer than the longest multimaster accepts, 36500d"
                        + " (100 years); lower --heartbeat");

        MasterRuntime longest = started(runtime("host:/a")
                .heartbeatInterval(Durations.LONGEST.dividedBy(2).minusSeconds(1))
                .expiry(Durations.LONGEST)
                .schedulers(List.of("s1")));
        // Within 2038: PostgreSQL and MariaDB keep last_active in 32 bits, as Buildbot does.
        clock.advance(Duration.ofDays(3_000));
        longest.heartbeat();

        assertThat(longest.isActive()).isTrue();
        assertThat(longest.ownedComponents()).isEqualTo(schedulers("s1"));
        assertThat(master(longest.masterId()).lastActive()).isEqualTo(T0.plus(Duration.ofDays(3_000)));
    }

    @Test
    void shouldRefuseAComponentNameTheDatabaseCannotStoreBeforeWritingAnything() throws Exception {
        // Before, build() took it, and start() registered the master, expired its peers and checked in
        // before the claim refused the name.
        assertThatThrownBy(() ->
                        runtime("a").changeSources(List.of("ok", "c\udc00")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("change source name 'c\\udc00' holds an unpaired surrogate (\\udc00), which no database"
                        + " can store as text; use a name of Unicode characters");
        List<String> longName = List.of("s" + "\u00e9".repeat(40_000)); // 80,001 bytes in UTF-8
        if (db.url().kind() == org.multimaster.db.DatabaseKind.MYSQL) {
            assertThatThrownBy(() -> runtime("a").schedulers(longName).build())
                    .hasMessageStartingWith("scheduler name of 40001 characters (80001 bytes in UTF-8) is too long:"
                            + " this database stores names of at most 65535 bytes");
        } else {
            assertThatCode(() -> MasterRuntime.Builder.checkNames(db.url().kind(), "a", longName, List.of()))
                    .doesNotThrowAnyException();
        }
        assertThat(db.masters().getMasters().join()).as("nothing registered").isEmpty();
    }

    @Test
    void shouldNotExpireALiveMasterWhoseHostClockIsBehindWhenUsingTheDatabaseClock() throws SQLException {
        DbConnector dbClock = DbConnector.builder()
                .url(database.url())
                .clock(clock) // T0, far from the database's real time
                .timeSource(org.multimaster.db.TimeSource.DATABASE)
                .open();
        toClose.add(dbClock);
        MasterRuntime a = started(runtime(dbClock, "host:/skewed"));
        MasterRuntime b = started(runtime(dbClock, "host:/b"));
        b.heartbeat();

        assertThat(master(a.masterId()).active()).isTrue();
        long lastActive = master(a.masterId()).lastActive().getEpochSecond();
        assertThat(lastActive).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM masters WHERE active = 1");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }

    @Test
    void shouldLogAnUnchangedSkewOnceNotEveryTenHeartbeats() throws Exception {
        DbConnector realTime = openRealTime(4);

        List<String> logged = LoggedMessages.of(ClockSkew.class, ch.qos.logback.classic.Level.INFO, () -> {
            MasterRuntime runtime = started(MasterRuntime.builder(realTime)
                    .name("host:/measured")
                    .heartbeatInterval(Duration.ofMillis(100))
                    .expiry(Duration.ofMillis(2200)));
            try {
                // Measured at startup, then after the 10th and the 20th maintenance.
                awaitTrue("30 check-ins", () -> runtime.status().checkIns() >= 30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThat(logged).singleElement(as(STRING)).startsWith("clock skew between this host and the database: ");
    }

    @Test
    void shouldMeasureAndLogTheSkewBetweenItsClockAndTheDatabases() {
        long behind = 3600;
        clock.set(Instant.ofEpochSecond(System.currentTimeMillis() / 1000 - behind));

        List<String> warnings = warningsOf(ClockSkew.class, () -> started(runtime("host:/late")));

        assertThat(warnings)
                .anySatisfy(message -> assertThat(message)
                        .matches(
                                "this host's clock and the database's differ by \\+36\\d\\d\\.\\d{3} s \\(±\\d+ ms\\); hosts whose"
                                        + " clocks disagree can expire live masters: fix the clocks or run with --clock"
                                        + " database"));
    }

    // ------------------------------------------------------------------ issue 6: never zero housekeepings

    @Test
    void shouldHousekeepADeadPeerExactlyOnceWhenItsDeactivationOutlastsTheHeartbeat() throws Exception {
        assumeTrue(database.locksSingleRows(), database + " cannot slow down one master's row alone");
        Duration interval = Duration.ofSeconds(1);
        MasterRuntime runtime =
                started(runtime("host:/a").heartbeatInterval(interval).expiry(Duration.ofSeconds(4)));
        long peer = peer("host:/peer", T0);
        clock.advance(Duration.ofSeconds(5));

        try (AutoCloseable slow = database.lockRow("masters", peer)) {
            runtime.heartbeat(); // sends the deactivation, gives up waiting for it after one interval
            assertThat(housekept).as("still waiting for the lock").isEmpty();
            clock.advance(interval);
            runtime.heartbeat(); // the deactivation is under way: not sent again
            Thread.sleep(interval.toMillis() / 2);
        }

        awaitTrue("the housekeeping of the peer", () -> !housekept.isEmpty());
        for (int i = 0; i < 3; i++) {
            clock.advance(interval);
            runtime.heartbeat();
        }
        assertThat(housekept).extracting(MasterModel::id).containsExactly(peer);
        assertThat(events)
                .filteredOn(e -> e.type() == MasterEvent.Type.STOPPED)
                .containsExactly(new MasterEvent(MasterEvent.Type.STOPPED, peer, "host:/peer", false));
        assertThat(master(peer).active()).isFalse();
        assertThat(runtime.status().expiredPeers()).isEqualTo(1);
    }

    @Test
    void shouldHousekeepAMasterWhoseDeactivationCommitsAfterTheSweepStoppedWaiting() throws Exception {
        long dead = peer("host:/dead", T0.minus(EXPIRY).minusSeconds(1));
        Expiry expiry = new Expiry(masters, EXPIRY, List.of(housekept::add), events::add);
        CompletableFuture<List<MasterModel>> sweep;

        try (AutoCloseable slow = database.lockMastersTable()) {
            sweep = expiry.sweepAsync(-1);
            assertThatThrownBy(() -> Await.await(sweep, Duration.ofSeconds(1)))
                    .hasMessage("database call did not complete within 1s");
        }

        assertThat(sweep).succeedsWithin(Duration.ofSeconds(30));
        assertThat(sweep.join()).extracting(MasterModel::id).containsExactly(dead);
        assertThat(housekept).extracting(MasterModel::id).containsExactly(dead);
        assertThat(expiry.sweep(-1)).isEmpty();
        assertThat(housekept).hasSize(1);
    }

    // ------------------------------------------------------------------ issue 6: the runtime's edges

    @Test
    void shouldClaimOnlyOnceActiveSoThatNoPeerCanTakeAClaimOverAtStartup() throws Exception {
        long peer = peer("host:/peer", T0);
        long nightly = db.schedulers().findSchedulerId("nightly").join();
        CompletableFuture<String> peerAttempt = new CompletableFuture<>();
        CompletableFuture<Boolean> activeWhenClaimed = new CompletableFuture<>();
        started(runtime("host:/a").schedulers(List.of("nightly")).claims(new ClaimListener() {
            @Override
            public void claimed(Component component) {
                MasterModel self = masters.getMasters().join().stream()
                        .filter(m -> m.name().equals("host:/a"))
                        .findFirst()
                        .orElseThrow();
                activeWhenClaimed.complete(self.active());
                // A peer's check-in comes in right now and tries to run the same scheduler.
                try {
                    db.schedulers().setSchedulerMaster(nightly, peer).join();
                    peerAttempt.complete("taken over by the peer");
                } catch (java.util.concurrent.CompletionException e) {
                    peerAttempt.complete(e.getCause().getClass().getSimpleName());
                }
            }
        }));

        assertThat(activeWhenClaimed).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(true);
        assertThat(peerAttempt).succeedsWithin(Duration.ofSeconds(30)).isEqualTo("AlreadyClaimedException");
    }

    @Test
    void shouldStayStartedAndClaimAfterItsNextCheckInWhenTheDatabaseFailsDuringTheStartupClaims() {
        // Every startup step up to the check-in leaves the schedulers table alone for a new master
        // with no peers; the claims are the first to need it, and fail.
        MasterRuntime runtime;
        try (org.multimaster.db.testing.RawSql raw = new org.multimaster.db.testing.RawSql(database)) {
            raw.execute("ALTER TABLE schedulers RENAME TO schedulers_away");
            try {
                runtime = started(runtime("host:/a").schedulers(List.of("nightly")));
            } finally {
                raw.execute("ALTER TABLE schedulers_away RENAME TO schedulers");
            }
        }
        assertThat(master(runtime.masterId()).active()).isTrue();
        assertThat(runtime.ownedComponents()).isEmpty();

        clock.advance(INTERVAL);
        runtime.heartbeat();

        assertThat(runtime.ownedComponents()).isEqualTo(schedulers("nightly"));
        long nightly = db.schedulers().findSchedulerId("nightly").join();
        assertThat(db.schedulers().getScheduler(nightly).join().orElseThrow().masterId())
                .isEqualTo(runtime.masterId());
    }

    @Test
    void shouldStopComponentsExactlyOneIntervalBeforePeersMayExpireTheMaster() throws Exception {
        Duration interval = Duration.ofSeconds(1);
        List<String> lost = new CopyOnWriteArrayList<>();
        // Checks in at .750: last_active is stamped T0, so peers may expire it from T0 + 4 s on.
        clock.set(T0.plusMillis(750));
        MasterRuntime runtime = started(runtime("host:/a")
                .heartbeatInterval(interval)
                .expiry(Duration.ofSeconds(4))
                .schedulers(List.of("s1"))
                .claims(recordingLosses(lost, false)));
        assertThat(master(runtime.masterId()).lastActive()).isEqualTo(T0);

        try (AutoCloseable outage = database.lockMastersTable()) {
            clock.set(T0.plusSeconds(3).minusMillis(1));
            runtime.heartbeat();
            assertThat(lost).as("1 ms before T0 + 3 s").isEmpty();
            assertThat(runtime.ownedComponents()).isEqualTo(schedulers("s1"));

            clock.set(T0.plusSeconds(3));
            runtime.heartbeat();
            assertThat(lost)
                    .as("at T0 + 3 s, one interval before peers may expire it")
                    .containsExactly("s1");
            assertThat(runtime.ownedComponents()).isEmpty();
        }
    }

    @Test
    void shouldStopComponentsOnTimeWhileCheckInsHang() throws Exception {
        DbConnector realTime = openRealTime(4);
        AtomicBoolean outage = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<MasterRuntime> self =
                new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<List<Instant>> lost = new CompletableFuture<>();
        MasterRuntime runtime = started(MasterRuntime.builder(realTime)
                .name("host:/hanging")
                .heartbeatInterval(Duration.ofSeconds(1))
                .expiry(Duration.ofSeconds(3))
                .schedulers(List.of("s1"))
                .claims(new ClaimListener() {
                    @Override
                    public void lost(Component component, String reason) {
                        if (outage.get()) {
                            lost.complete(
                                    List.of(Instant.now(), self.get().status().lastCheckIn()));
                        }
                    }
                }));
        self.set(runtime);
        awaitTrue("a check-in by the heartbeat thread", () -> runtime.status().checkIns() >= 2);

        try (AutoCloseable hang = database.lockMastersTable()) {
            outage.set(true);
            assertThat(lost).succeedsWithin(Duration.ofSeconds(10));
        }

        // The timer fires at the deadline even though every check-in hangs, and the listener is told
        // through the dispatcher right after: in any case before peers may expire the master, one
        // interval later (a heartbeat that waited for its check-in would have stopped that late).
        Instant lostAt = lost.join().get(0);
        Instant deadline = lost.join()
                .get(1)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plusSeconds(2);
        assertThat(lostAt).isBetween(deadline.minusMillis(50), deadline.plusMillis(900));
        assertThat(lost.join().get(1).getNano())
                .as("check-ins are sent just after a second begins, so the fence loses no time to rounding")
                .isLessThan(700_000_000);
    }

    @Test
    void shouldKeepCheckingInWhileAListenerIsStuck() throws Exception {
        DbConnector realTime = openRealTime(4);
        CountDownLatch release = new CountDownLatch(1);
        MasterRuntime runtime = MasterRuntime.builder(realTime)
                .name("host:/listened")
                .heartbeatInterval(Duration.ofSeconds(1))
                .expiry(Duration.ofSeconds(3))
                .schedulers(List.of("s1"))
                .claims(new ClaimListener() {
                    @Override
                    public void claimed(Component component) {
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .build();
        toClose.add(runtime);
        toClose.add(release::countDown);
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            starter.submit(runtime::start);
            assertCheckedInEverySecondFor(Duration.ofSeconds(6), "host:/listened");
        } finally {
            release.countDown();
            starter.shutdown();
        }
    }

    @Test
    void shouldKeepCheckingInWhileOtherWorkFloodsTheConnector() throws Exception {
        // Enough rows that each listing takes milliseconds, and thousands of listings queued ahead.
        try (Connection c = database.connect();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO masters (name, name_hash, active, last_active) VALUES (?, ?, 0, 0)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < 2_000; i++) {
                insert.setString(1, "filler-" + i);
                insert.setString(2, String.format("%040d", i));
                insert.addBatch();
            }
            insert.executeBatch();
            c.commit();
        }
        DbConnector flooded = openRealTime(2);
        MasterRuntime runtime = started(MasterRuntime.builder(flooded)
                .name("host:/flooded")
                .heartbeatInterval(Duration.ofSeconds(1))
                .expiry(Duration.ofSeconds(3)));
        AtomicInteger queued = new AtomicInteger();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread flooder = new Thread(() -> {
            while (flooding.get()) {
                if (queued.get() < 3_000) {
                    for (int i = 0; i < 100; i++) {
                        queued.incrementAndGet();
                        flooded.masters().getMasters().whenComplete((r, e) -> queued.decrementAndGet());
                    }
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        flooder.start();
        try {
            awaitTrue("a queue of work on the connector", () -> queued.get() >= 2_500);
            assertCheckedInEverySecondFor(Duration.ofSeconds(6), "host:/flooded");
            assertThat(queued.get()).as("still flooded at the end").isGreaterThan(1_000);
            assertThat(runtime.status().lastCheckIn()).isAfter(Instant.now().minusSeconds(2));
        } finally {
            flooding.set(false);
            flooder.join();
        }
        assertThat(runtime.isActive()).isTrue();
    }

    @Test
    void shouldMeasureTheSkewToTheDatabaseBelowASecondOnTheSameHost() {
        DbConnector realTime = openRealTime(2);
        MasterRuntime runtime = started(MasterRuntime.builder(realTime).name("host:/skew"));

        Duration skew = runtime.status().clockSkew();
        assertThat(skew).isNotNull();
        assertThat(skew.abs()).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void shouldRefuseAnExpiryThatWouldExpireLiveBuildbotMastersOnABuildbotDatabaseUnlessForced() {
        org.multimaster.db.testing.RawSql raw = new org.multimaster.db.testing.RawSql(database);
        raw.execute("DROP TABLE flyway_schema_history");
        raw.close();
        DbConnector buildbots = open();
        assertThat(buildbots.isBuildbotSchema()).isTrue();

        assertThatThrownBy(() -> runtime(buildbots, "host:/short")
                        .heartbeatInterval(Duration.ofSeconds(10))
                        .expiry(Duration.ofMinutes(2))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expiry 2m would expire live Buildbot masters: ")
                .hasMessageContaining("whose masters check in only every 60 s")
                .hasMessageEndingWith("or pass --force-short-expiry if no Buildbot master uses this database");
        runtime(buildbots, "host:/forced")
                .heartbeatInterval(Duration.ofSeconds(10))
                .expiry(Duration.ofMinutes(2))
                .forceShortExpiry(true)
                .build();
        runtime(buildbots, "host:/long")
                .expiry(Duration.ofMinutes(2).plusSeconds(1))
                .build();
        runtime("host:/own-schema")
                .heartbeatInterval(Duration.ofSeconds(1))
                .expiry(Duration.ofSeconds(3))
                .build();
    }

    /** A connector on the system clock, for the tests that run the heartbeat threads in real time. */
    DbConnector openRealTime(int poolSize) {
        DbConnector connector =
                DbConnector.builder().url(database.url()).poolSize(poolSize).open();
        toClose.add(connector);
        return connector;
    }

    /**
     * Watches a master that checks in every second with a 3 s expiry: through a connector of its
     * own, its last check-in must never be more than 2 s old (whole seconds), and a peer sweeping
     * with that expiry must never expire it.
     */
    void assertCheckedInEverySecondFor(Duration watch, String name) throws Exception {
        try (DbConnector observer =
                DbConnector.builder().url(database.url()).poolSize(2).open()) {
            Expiry peerSweep = new Expiry(observer.masters(), Duration.ofSeconds(3), List.of(), e -> {});
            awaitTrue("the first check-in of " + name, () -> lastActive(observer, name) > 0);
            long end = System.nanoTime() + watch.toNanos();
            long worst = 0;
            while (System.nanoTime() < end) {
                long age = Instant.now().getEpochSecond() - lastActive(observer, name);
                worst = Math.max(worst, age);
                assertThat(peerSweep.sweep(-1)).as("masters a peer expired").isEmpty();
                Thread.sleep(250);
            }
            assertThat(worst).as("oldest check-in seen, in seconds").isLessThanOrEqualTo(2);
        }
    }

    /** last_active of an active master, or 0 if it is not active. */
    static long lastActive(DbConnector observer, String name) {
        return observer.masters().getMasters().join().stream()
                .filter(m -> m.name().equals(name) && m.active())
                .mapToLong(m -> m.lastActive().getEpochSecond())
                .findFirst()
                .orElse(0);
    }

    static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
