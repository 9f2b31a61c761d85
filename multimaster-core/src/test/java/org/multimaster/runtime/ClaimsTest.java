package org.multimaster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;

/**
 * The rules of {@link Claims} on their own, on a real SQLite database: what it claims and when,
 * what it tells the listeners and in which order, and that losing everything wins over a sync
 * that is under way. (The runtime contract runs the same rules on every database, through the
 * runtime.)
 */
class ClaimsTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    DbConnector db;
    EventDispatcher dispatcher;
    final List<String> told = new CopyOnWriteArrayList<>();
    long self;
    long peer;

    @BeforeEach
    void open() {
        TestDatabase database = TestDatabase.sqlite(dir);
        database.reset();
        db = DbConnector.open(database.url());
        dispatcher = new EventDispatcher();
        self = db.masters().findMasterId("self").join();
        peer = db.masters().findMasterId("peer").join();
        db.masters().setMasterState(self, true).join();
        db.masters().setMasterState(peer, true).join();
    }

    @AfterEach
    void close() {
        dispatcher.close();
        db.close();
    }

    Claims claims(String... schedulers) {
        Set<Component> configured = new java.util.LinkedHashSet<>();
        for (String s : schedulers) {
            configured.add(Component.scheduler(s));
        }
        Claims claims = new Claims(
                db,
                "self",
                configured,
                List.of(new ClaimListener() {
                    @Override
                    public void claimed(Component component) {
                        told.add("+" + component.name());
                    }

                    @Override
                    public void lost(Component component, String reason) {
                        told.add("-" + component.name() + " (" + reason + ")");
                    }
                }),
                dispatcher);
        claims.attach(self);
        return claims;
    }

    List<String> told() {
        assertThat(dispatcher.drain(TIMEOUT)).isTrue();
        return told;
    }

    @Test
    void shouldClaimWhatIsFreeAndLeaveWhatAnActivePeerRuns() {
        long taken = db.schedulers().findSchedulerId("taken").join();
        db.schedulers().setSchedulerMaster(taken, peer).join();
        Claims claims = claims("free", "taken");

        claims.sync(() -> true, TIMEOUT);

        assertThat(claims.owned()).containsExactly(Component.scheduler("free"));
        assertThat(told()).containsExactly("+free");
    }

    @Test
    void shouldClaimNothingWhileTheMasterMayNotRunComponents() {
        Claims claims = claims("a", "b");

        claims.sync(() -> false, TIMEOUT);

        assertThat(claims.owned()).isEmpty();
        assertThat(db.schedulers().getSchedulers(true, null).join()).isEmpty();
        assertThat(told()).isEmpty();
    }

    @Test
    void shouldDropAComponentWhoseClaimIsGoneFromTheDatabase() {
        Claims claims = claims("a");
        claims.sync(() -> true, TIMEOUT);
        long a = db.schedulers().findSchedulerId("a").join();
        // A peer released it behind this master's back and runs it now.
        db.schedulers().setSchedulerMaster(a, null).join();
        db.schedulers().setSchedulerMaster(a, peer).join();

        claims.sync(() -> true, TIMEOUT);

        assertThat(claims.owned()).isEmpty();
        assertThat(told()).containsExactly("+a", "-a (its claim is gone from the database)");
    }

    @Test
    void shouldTellListenersInTheOrderThingsHappened() {
        Claims claims = claims("a", "b");
        claims.sync(() -> true, TIMEOUT);
        claims.loseAll("outage", false);
        claims.sync(() -> true, TIMEOUT);
        claims.loseAll("shutting down", true);

        assertThat(told())
                .containsExactly(
                        "+a",
                        "+b",
                        "-a (outage)",
                        "-b (outage)",
                        "+a",
                        "+b",
                        "-a (shutting down)",
                        "-b (shutting down)");
    }

    @Test
    void shouldNotAnnounceAClaimThatASyncMadeWhileEverythingWasLost() {
        Claims claims = claims("a");
        AtomicInteger asked = new AtomicInteger();
        // Everything is lost after the sync began, as when the fence falls while a claim is on its
        // way to the database.
        claims.sync(
                () -> {
                    if (asked.incrementAndGet() == 1) {
                        claims.loseAll("fence", false);
                    }
                    return true;
                },
                TIMEOUT);

        assertThat(claims.owned()).isEmpty();
        assertThat(told()).isEmpty();
        long a = db.schedulers().findSchedulerId("a").join();
        assertThat(db.schedulers().getScheduler(a).join().orElseThrow().masterId())
                .as("the claim stands in the database")
                .isEqualTo(self);

        claims.sync(() -> true, TIMEOUT);

        assertThat(claims.owned()).as("taken up by the next sync").containsExactly(Component.scheduler("a"));
        assertThat(told()).containsExactly("+a");
    }
}
