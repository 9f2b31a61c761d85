package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
import org.multimaster.db.MasterModel;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.SchedulerModel;
import org.multimaster.db.testing.TestDatabase;

/**
 * Failover with real {@code bin/multimaster run} processes: crashes ({@code kill -9}), pauses
 * ({@code kill -STOP} / {@code kill -CONT}) and graceful stops (SIGTERM), with a 1 s heartbeat
 * and a 5 s expiry. The database is watched through a separate connector, as an operator would.
 */
abstract class FailoverContract {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration EXPIRY = Duration.ofSeconds(5);
    /** last_active has whole-second resolution: a check-in may be recorded up to 1 s early. */
    static final Duration ROUNDING = Duration.ofSeconds(1);

    static final List<String> SCHEDULERS = List.of("nightly", "hourly", "on-commit", "weekly");

    @TempDir
    Path dir;

    TestDatabase database;
    DbConnector watcher;
    final List<Daemon> daemons = new ArrayList<>();

    abstract TestDatabase database(Path dir);

    @BeforeEach
    void setUp() {
        database = database(dir);
        database.reset();
        // Creates the schema once, so that the daemons do not race to create it.
        watcher = DbConnector.builder().url(database.url()).poolSize(2).open();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Daemon daemon : daemons) {
            daemon.close();
        }
        watcher.close();
    }

    Daemon start(String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(
                List.of("--heartbeat", INTERVAL.toMillis() + "ms", "--expire", EXPIRY.toMillis() + "ms"));
        for (String scheduler : SCHEDULERS) {
            args.add("--scheduler");
            args.add(scheduler);
        }
        args.addAll(List.of("--changesource", "git"));
        args.addAll(List.of(extra));
        Daemon daemon = Daemon.start(dir.resolve("work-" + name), database.url(), name, args);
        daemons.add(daemon);
        return daemon;
    }

    Optional<MasterModel> master(String name) {
        return watcher
                .masters()
                .getMasters(ResultSpec.builder()
                        .filter("name", ResultSpec.Operator.EQ, name)
                        .build())
                .join()
                .items()
                .stream()
                .findFirst();
    }

    boolean active(String name) {
        return master(name).map(MasterModel::active).orElse(false);
    }

    long id(String name) {
        return master(name).orElseThrow().id();
    }

    /** Scheduler name → owning master id (absent: unclaimed). */
    Map<String, Long> schedulerOwners() {
        Map<String, Long> owners = new HashMap<>();
        for (SchedulerModel s : watcher.schedulers().getSchedulers(true, null).join()) {
            owners.put(s.name(), s.masterId());
        }
        return owners;
    }

    boolean ownsAllShared(String name) {
        Optional<MasterModel> master = master(name);
        if (master.isEmpty()) {
            return false;
        }
        long id = master.get().id();
        Map<String, Long> owners = schedulerOwners();
        boolean git = watcher.changeSources().getChangeSources(true, id).join().stream()
                .anyMatch(c -> c.name().equals("git"));
        return git && SCHEDULERS.stream().allMatch(s -> Long.valueOf(id).equals(owners.get(s)));
    }

    /**
     * Polls until {@code condition} holds; returns how long it took. On a timeout, the error tells the
     * state and the end of the log of every daemon still open.
     */
    static Duration await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw Daemon.withLogs(
                        new AssertionError("timed out after " + Durations.format(timeout) + " waiting for " + what));
            }
            Thread.sleep(50);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("waited " + took.toMillis() + " ms for " + what);
        return took;
    }

    /** Long enough for a JVM to start and a master to register, on a slow CI machine. */
    static final Duration STARTUP = Duration.ofSeconds(60);

    @Test
    void shouldHandTheComponentsOfAKilledMasterToExactlyOneSurvivorWithinExpiryPlusTwoIntervals() throws Exception {
        Daemon a = start("master-a");
        await("master-a to own every component", STARTUP, () -> ownsAllShared("master-a"));
        Daemon b = start("master-b");
        Daemon c = start("master-c");
        await("master-b and master-c to start", STARTUP, () -> active("master-b") && active("master-c"));
        long aId = id("master-a");

        a.kill9();
        Duration took = await(
                "a survivor to expire master-a and take over its components",
                Duration.ofSeconds(30),
                () -> !active("master-a") && (ownsAllOrShared("master-b", "master-c")));

        assertThat(took)
                .isLessThanOrEqualTo(EXPIRY.plus(INTERVAL.multipliedBy(2)).plus(ROUNDING));
        Thread.sleep(INTERVAL.multipliedBy(3).toMillis()); // let any duplicate housekeeping show up
        String housekeeping = "housekeeping of master " + aId + " ";
        assertThat(b.count(housekeeping) + c.count(housekeeping))
                .as("housekeeping of the killed master across survivors")
                .isEqualTo(1);
        Map<String, Long> owners = schedulerOwners();
        for (String scheduler : SCHEDULERS) {
            assertThat(owners.get(scheduler)).isIn(id("master-b"), id("master-c"));
            String claimed = "claimed scheduler '" + scheduler + "'";
            assertThat(b.count(claimed) + c.count(claimed))
                    .as("survivors that claimed %s", scheduler)
                    .isEqualTo(1);
        }
        assertThat(b.isAlive() && c.isAlive()).isTrue();
    }

    /** Every shared component is owned by one of the named masters (not necessarily the same one). */
    boolean ownsAllOrShared(String... names) {
        List<Long> ids = new ArrayList<>();
        for (String name : names) {
            master(name).ifPresent(m -> ids.add(m.id()));
        }
        Map<String, Long> owners = schedulerOwners();
        boolean git = watcher.changeSources().getChangeSources(true, null).join().stream()
                .anyMatch(cs -> cs.name().equals("git") && ids.contains(cs.masterId()));
        return git && SCHEDULERS.stream().allMatch(s -> ids.contains(owners.get(s)));
    }
}
