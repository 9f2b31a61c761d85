package org.multimaster.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.Durations;
import org.multimaster.db.MultimasterException;

/**
 * Waits for the connector's futures where the runtime has to. A wait that times out leaves the
 * operation running: whoever sent it follows it to its end through the future's callbacks.
 */
final class Await {

    private Await() {}

    /**
     * Returns the result, waiting at most {@code timeout}.
     *
     * @throws MultimasterException if the operation failed, or did not finish in time (it goes on)
     */
    static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause(), e);
        } catch (TimeoutException e) {
            throw new MultimasterException("database call did not complete within " + Durations.format(timeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultimasterException("interrupted while waiting for the database", e);
        }
    }

    /**
     * Returns the result, waiting as long as it takes.
     *
     * @throws MultimasterException if the operation failed
     */
    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultimasterException("interrupted while waiting for the database", e);
        }
    }

    /** The connector's own exception, or one that wraps whatever else the operation threw. */
    static MultimasterException unwrap(@Nullable Throwable cause, Throwable fallback) {
        Throwable t = cause;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof MultimasterException m) {
            return m;
        }
        return new MultimasterException("database call failed: " + t, t == null ? fallback : t);
    }
}
