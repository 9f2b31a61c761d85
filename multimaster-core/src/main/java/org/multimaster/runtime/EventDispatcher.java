package org.multimaster.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.multimaster.db.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the runtime's listener calls and events on one thread of their own, in the order they
 * were dispatched, so that a slow or stuck listener never delays a check-in. A call that throws is
 * logged and the next one goes on.
 *
 * <p>Thread-safe: any thread may dispatch; the order of calls dispatched by one thread, or under
 * one lock, is the order they run in.
 */
final class EventDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final ThreadPoolExecutor executor;

    EventDispatcher() {
        this.executor =
                new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "multimaster-events");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Queues a call.
     *
     * @param what what the call is, for the log if it throws ("claim listener X for scheduler 'a'")
     */
    void dispatch(String what, Runnable call) {
        try {
            executor.execute(() -> {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    log.error("{} failed", what, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("{} dropped: the runtime is closed", what);
        }
    }

    /** How many calls wait to run, not counting the one running. */
    int pending() {
        return executor.getQueue().size();
    }

    /**
     * Waits until every call dispatched before this one has run.
     *
     * @return false if that took longer than {@code timeout} (a listener is slow or stuck)
     */
    boolean drain(Duration timeout) {
        CompletableFuture<Void> marker = new CompletableFuture<>();
        try {
            executor.execute(() -> marker.complete(null));
            marker.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException | ExecutionException e) {
            return true; // closed: nothing more will run
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs what is queued (waiting up to {@code timeout} for it), then stops the thread. */
    void close(Duration timeout) {
        if (!drain(timeout)) {
            long dropped = pending();
            log.warn(
                    "listeners of the master runtime did not finish within {}; {} {} dropped",
                    Durations.format(timeout),
                    MasterRuntime.count(dropped, "call"),
                    dropped == 1 ? "is" : "are");
        }
        executor.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
