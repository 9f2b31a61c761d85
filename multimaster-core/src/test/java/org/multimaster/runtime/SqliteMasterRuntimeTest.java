package org.multimaster.runtime;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.SchedulerModel;
import org.multimaster.db.testing.LoggedMessages;
import org.multimaster.db.testing.TestDatabase;

class SqliteMasterRuntimeTest extends MasterRuntimeContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    /**
     * Only SQLite gives up on a lock after a set time (its busy timeout): elsewhere a check-in waits
     * for the lock and then succeeds, which is no outage to report.
     */
    @Test
    void shouldSayHowLongTheDatabaseWasGoneInWholeUnitsWhenItChecksInAgain() throws Exception {
        DbConnector impatient = impatient();
        Duration interval = Duration.ofSeconds(1);
        MasterRuntime runtime = started(
                runtime(impatient, "host:/a").heartbeatInterval(interval).expiry(Duration.ofSeconds(10)));
        List<String> warnings;
        try (AutoCloseable outage = database.lockMastersTable()) {
            warnings = LoggedMessages.of(CheckIns.class, Level.WARN, () -> {
                for (int beat = 1; beat <= 3; beat++) {
                    clock.advance(interval.plusMillis(250));
                    runtime.heartbeat(); // fails: the database is locked
                }
            });
        }
        clock.advance(Duration.ofMillis(1_600));
        List<String> recovered = LoggedMessages.of(CheckIns.class, Level.INFO, runtime::heartbeat);

        assertThat(warnings)
                .singleElement(as(STRING))
                .contains("cannot check in: ")
                .endsWith("; retrying every 1s");
        assertThat(recovered)
                .anySatisfy(message -> assertThat(message).endsWith("checked in again: the database is back after 4s"));
    }

    /**
     * A check-in of a database that is gone stalls, then fails, again and again: the stall is worth a
     * warning only before the outage is known, after which it would repeat every other beat.
     */
    @Test
    void shouldWarnOfAStalledCheckInOnlyUntilTheOutageIsKnown() throws Exception {
        DbConnector slow = DbConnector.builder()
                .url(database.url())
                .busyTimeout(Duration.ofMillis(1_500))
                .open();
        toClose.add(slow);
        MasterRuntime runtime = started(MasterRuntime.builder(slow)
                .name("host:/stalling")
                .heartbeatInterval(Duration.ofSeconds(1))
                .expiry(Duration.ofSeconds(30)));
        awaitTrue("a check-in by the heartbeat thread", () -> runtime.status().checkIns() >= 2);

        List<String> warnings;
        try (AutoCloseable outage = database.lockMastersTable()) {
            warnings = LoggedMessages.of(CheckIns.class, Level.WARN, () -> {
                try {
                    awaitTrue("three failed check-ins", () -> runtime.status().checkInFailures() >= 3);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        assertThat(warnings).filteredOn(w -> w.contains("cannot check in: ")).hasSize(1);
        assertThat(warnings)
                .filteredOn(w -> w.contains("has not completed"))
                .singleElement(as(STRING))
                .matches(".*the check-in sent at \\S+\\.\\d{3}Z has not completed; no other is sent until it does");
    }

    @Test
    void shouldSayWhenPeersWillExpireItIfItCannotMarkItselfStopped() throws Exception {
        MasterRuntime runtime = started(runtime(impatient(), "host:/a"));
        List<String> warnings;
        try (AutoCloseable outage = database.lockMastersTable()) {
            warnings = LoggedMessages.of(MasterRuntime.class, Level.WARN, runtime::close);
        }

        assertThat(warnings)
                .singleElement(as(STRING))
                .startsWith("master " + runtime.masterId() + " ('host:/a') could not mark itself stopped (cannot ")
                .endsWith("); peers will expire it after 10m");
        assertThat(master(runtime.masterId()).active()).isTrue();
    }

    /**
     * SQLite gives a new row the highest id plus one, so the id of a deleted master can go to the
     * next one registered. Its check-in, by id, then lands on that row (and activates it, which
     * looks to it like being declared dead): the name tells the runtime the row is not its own.
     */
    @Test
    void shouldRegisterAgainWhenItsDeletedIdWentToAnotherMaster() {
        MasterRuntime runtime = started(runtime("host:/a").schedulers(List.of("s1")));
        long deleted = runtime.masterId();
        assertThat(masters.setMasterState(deleted, false).join()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(masters.pruneMasters(Duration.ZERO).join()).hasSize(1);
        long newcomer = masters.findMasterId("host:/b").join();
        assertThat(newcomer).as("SQLite reuses the id").isEqualTo(deleted);

        List<String> warnings = LoggedMessages.of(MasterRuntime.class, Level.WARN, () -> {
            clock.advance(Duration.ofMinutes(1));
            runtime.heartbeat();
            clock.advance(Duration.ofMinutes(1));
            runtime.heartbeat();
        });

        long again = runtime.masterId();
        assertThat(again).isNotEqualTo(newcomer);
        assertThat(warnings)
                .anySatisfy(message -> assertThat(message)
                        .startsWith("master " + deleted + " ('host:/a') was deleted from the database while it ran")
                        .endsWith("it registers again as master " + again));
        assertThat(master(again)).isEqualTo(new MasterModel(again, "host:/a", true, clock.instant()));
        assertThat(master(newcomer).name()).isEqualTo("host:/b");
        assertThat(db.schedulers().getSchedulers(true, again).join())
                .extracting(SchedulerModel::name)
                .containsExactly("s1");
    }

    /** A connector on the test's clock that gives up on a locked database after 100 ms. */
    private DbConnector impatient() {
        DbConnector connector = DbConnector.builder()
                .url(database.url())
                .clock(clock)
                .busyTimeout(Duration.ofMillis(100))
                .open();
        toClose.add(connector);
        return connector;
    }
}
