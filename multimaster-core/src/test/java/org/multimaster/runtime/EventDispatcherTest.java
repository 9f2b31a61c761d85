package org.multimaster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multimaster.db.testing.LoggedMessages;

/** Listener calls run in order, off the caller's thread, and one that throws or hangs harms no caller. */
class EventDispatcherTest {

    final EventDispatcher dispatcher = new EventDispatcher();

    @AfterEach
    void close() {
        dispatcher.close(Duration.ofMillis(100));
    }

    @Test
    void shouldRunCallsInTheOrderTheyWereDispatchedOnItsOwnThread() {
        List<String> seen = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            dispatcher.dispatch(
                    "call " + n, () -> seen.add(n + "@" + Thread.currentThread().getName()));
        }

        assertThat(dispatcher.drain(Duration.ofSeconds(10))).isTrue();
        assertThat(seen).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(seen.get(i)).isEqualTo(i + "@multimaster-events");
        }
    }

    @Test
    void shouldGoOnAfterACallThatThrows() {
        List<String> seen = new CopyOnWriteArrayList<>();
        dispatcher.dispatch("bad", () -> {
            throw new IllegalStateException("listener bug");
        });
        dispatcher.dispatch("good", () -> seen.add("good"));

        assertThat(dispatcher.drain(Duration.ofSeconds(10))).isTrue();
        assertThat(seen).containsExactly("good");
    }

    @Test
    void shouldNeverMakeTheDispatchingThreadWaitForAStuckListener() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        dispatchStuck(release);

        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            dispatcher.dispatch("queued " + i, () -> {});
        }
        Duration dispatching = Duration.ofNanos(System.nanoTime() - start);

        assertThat(dispatching).isLessThan(Duration.ofSeconds(1));
        assertThat(dispatcher.drain(Duration.ofMillis(200))).as("stuck").isFalse();
        assertThat(dispatcher.pending()).isGreaterThanOrEqualTo(1000);
        release.countDown();
        assertThat(dispatcher.drain(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void shouldSayWhatItDropsWhenClosedWhileAListenerIsStuck() {
        CountDownLatch release = new CountDownLatch(1);
        dispatchStuck(release);
        dispatcher.dispatch("queued", () -> {});

        List<String> warnings =
                LoggedMessages.of(EventDispatcher.class, Level.WARN, () -> dispatcher.close(Duration.ofMillis(100)));

        assertThat(warnings)
                .containsExactly("listeners of the master runtime did not finish within 100ms; 2 calls are dropped");
    }

    @Test
    void shouldCountOneDroppedCallInTheSingular() {
        CountDownLatch release = new CountDownLatch(1);
        dispatchStuck(release);

        List<String> warnings =
                LoggedMessages.of(EventDispatcher.class, Level.WARN, () -> dispatcher.close(Duration.ofMillis(100)));

        assertThat(warnings)
                .containsExactly("listeners of the master runtime did not finish within 100ms; 1 call is dropped");
    }

    /** Dispatches a call that runs until {@code release} is counted down (30 s at most). */
    private void dispatchStuck(CountDownLatch release) {
        dispatcher.dispatch("stuck", () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
