package org.multimaster.http;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.LoggedMessages;
import org.multimaster.db.testing.MutableClock;
import org.multimaster.db.testing.TestDatabase;

/**
 * The cluster watcher between its reads of every master: a poll reads the active masters, the new
 * ones, the claims and the count, and still publishes every change that another process makes,
 * falling back on a read of every master where a poll cannot tell what happened. The watcher polls
 * only when told to here (its interval is ten minutes), on a clock the test moves.
 */
abstract class ClusterWatcherContract {

    @TempDir
    Path dir;

    TestDatabase database;
    DbConnector other;
    DbConnector api;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
    /** Published on the watcher's thread while the test waits for its read. */
    final List<String> events = new CopyOnWriteArrayList<>();

    ClusterWatcher watcher;

    abstract TestDatabase database(Path dir);

    @BeforeEach
    void open() {
        database = database(dir);
        database.reset();
        other = DbConnector.open(database.url());
        // Shaped as the daemon's: the watcher reads through the API's connector.
        api = DbConnector.builder()
                .url(database.url())
                .poolSize(HttpServer.API_POOL_SIZE)
                .migrate(false)
                .open();
    }

    @AfterEach
    void close() {
        if (watcher != null) {
            watcher.close();
        }
        api.close();
        other.close();
    }

    private void startWatching() throws Exception {
        watcher = new ClusterWatcher(api, Duration.ofMinutes(10), this::record, clock);
        watcher.start();
        poll(); // waits for the first read, which start() asked for
        assertThat(events).as("the first read only learns the state").isEmpty();
    }

    private void record(ClusterEvent event) {
        events.add(String.join("/", event.key()));
    }

    /** Polls once and returns the events it published. */
    private List<String> poll() throws Exception {
        events.clear();
        watcher.pollNow().get(30, TimeUnit.SECONDS);
        return List.copyOf(events);
    }

    private long activeMaster(String name) {
        long id = other.masters().findMasterId(name).join();
        other.masters().setMasterState(id, true).join();
        return id;
    }

    private void execute(String sql, long... params) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setLong(i + 1, params[i]);
            }
            statement.executeUpdate();
        }
    }

    @Test
    void shouldSayOnceHowOftenItRetriesWhenItCannotReadTheDatabase() throws Exception {
        startWatching();
        api.close();

        List<String> warnings = LoggedMessages.of(ClusterWatcher.class, Level.WARN, () -> {
            try {
                poll();
                poll();
            } catch (Exception e) {
                throw new AssertionError("a failed read ends the poll normally", e);
            }
        });

        assertThat(warnings)
                .singleElement(as(STRING))
                .startsWith("the cluster watcher cannot read the database: ")
                .endsWith("; retrying every 10m");
    }

    @Test
    void shouldPollWithoutReadingEveryMasterWhileOnlyCheckInsAndRegistrationsHappen() throws Exception {
        long a = activeMaster("a");
        for (int i = 0; i < 20; i++) {
            other.masters().findMasterId("dead-" + i).join();
        }
        startWatching();

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(2));
            execute("UPDATE masters SET last_active = last_active + 1 WHERE id = ?", a);
            assertThat(poll()).containsExactly("masters/" + a + "/updated");
        }
        long b = other.masters().findMasterId("b").join();
        assertThat(poll()).containsExactly("masters/" + b + "/updated");
        assertThat(poll()).isEmpty();

        assertThat(watcher.fullReads()).as("reads of every master").isEqualTo(1);
        assertThat(watcher.masterCount(true)).isEqualTo(1);
        assertThat(watcher.masterCount(false)).isEqualTo(21);
    }

    @Test
    void shouldPublishWhatAPollCannotSeeByReadingEveryMaster() throws Exception {
        long a = activeMaster("a");
        long b = other.masters().findMasterId("b").join();
        long nightly = other.schedulers().findSchedulerId("nightly").join();
        other.schedulers().setSchedulerMaster(nightly, a).join();
        startWatching();

        other.masters().setMasterState(b, true).join();
        assertThat(poll()).containsExactly("masters/" + b + "/started");
        assertThat(watcher.fullReads()).as("a start is read by a poll").isEqualTo(1);

        // A stop: a master known as active is not among the active ones.
        other.masters().setMasterState(a, false).join();
        assertThat(poll())
                .containsExactlyInAnyOrder("masters/" + a + "/stopped", "schedulers/" + nightly + "/released");
        assertThat(watcher.fullReads()).isEqualTo(2);

        // A deletion of an inactive master: the count.
        execute("DELETE FROM masters WHERE id = ?", a);
        assertThat(poll()).containsExactly("masters/" + a + "/removed");
        assertThat(watcher.fullReads()).isEqualTo(3);

        assertThat(poll()).isEmpty();
        assertThat(watcher.fullReads()).isEqualTo(3);
        assertThat(watcher.masterCount(true)).isEqualTo(1);
        assertThat(watcher.masterCount(false)).isEqualTo(0);
    }

    @Test
    void shouldFindARegistrationCommittedBelowTheHighestIdKnown() throws Exception {
        other.masters().findMasterId("first").join();
        long gap = other.masters().findMasterId("gap").join();
        long last = other.masters().findMasterId("last").join();
        execute("DELETE FROM masters WHERE id = ?", gap);
        startWatching();

        // A registration that took its id before "last" and committed after the watcher saw "last".
        long late = other.masters().findMasterId("late").join();
        execute("UPDATE masters SET id = ? WHERE id = ?", gap, late);

        assertThat(poll()).containsExactly("masters/" + gap + "/updated");
        assertThat(watcher.fullReads()).isEqualTo(2);
        assertThat(last).isGreaterThan(gap);
    }

    @Test
    void shouldReadEveryMasterOnceAMinuteForWhatNoCountShows() throws Exception {
        long a = activeMaster("a");
        long b = other.masters().findMasterId("b").join();
        startWatching();

        // An inactive row changed by hand: no poll reads it.
        execute("UPDATE masters SET last_active = last_active + 60 WHERE id = ?", b);
        clock.advance(ClusterWatcher.FULL_READ_INTERVAL.minusSeconds(1));
        assertThat(poll()).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(poll()).containsExactly("masters/" + b + "/updated");
        assertThat(watcher.fullReads()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(10));
        execute("UPDATE masters SET last_active = last_active + 1 WHERE id = ?", a);
        assertThat(poll()).containsExactly("masters/" + a + "/updated");
        assertThat(watcher.fullReads()).isEqualTo(2);
    }
}
