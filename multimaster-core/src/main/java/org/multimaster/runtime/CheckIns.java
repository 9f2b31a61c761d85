package org.multimaster.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.Durations;
import org.multimaster.db.MastersConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One master's check-ins, sent on the connector's lane reserved for them: at most one under way at
 * a time (another would only queue behind it), each timed and counted, an outage logged once when
 * it begins and once when it ends. What a check-in that succeeded means for the master (started,
 * declared dead, the outage fence) is for the runtime to decide, which is told through {@link
 * Succeeded}.
 *
 * <p>Thread-safe; {@link #send()} never blocks.
 */
final class CheckIns {

    /** Told of each check-in that succeeded, on the thread that completed it, in the order they ended. */
    @FunctionalInterface
    interface Succeeded {
        /**
         * @param sentAt when the check-in was sent, by the runtime's clock
         * @param changed whether it changed the master's state, i.e. the master was inactive
         */
        void succeeded(Instant sentAt, boolean changed);
    }

    private static final Logger log = LoggerFactory.getLogger(CheckIns.class);

    private final Supplier<MastersConnector> lane;
    private final String name;
    private final Duration interval;
    private final Clock clock;
    private final Succeeded onSuccess;

    private volatile long masterId = -1;
    private @Nullable CompletableFuture<Boolean> underWay;
    private @Nullable Instant underWaySince;
    private boolean stallReported;
    private @Nullable Instant outageSince;
    private long succeeded;
    private long failed;
    private int consecutiveFailures;
    private Duration time = Duration.ZERO;

    /**
     * @param lane the masters connector to check in on (opened on first use)
     * @param name the master's name, for the log
     * @param interval the heartbeat interval, for the log
     * @param clock the runtime's clock
     * @param onSuccess told of each check-in that succeeded
     */
    CheckIns(Supplier<MastersConnector> lane, String name, Duration interval, Clock clock, Succeeded onSuccess) {
        this.lane = lane;
        this.name = name;
        this.interval = interval;
        this.clock = clock;
        this.onSuccess = onSuccess;
    }

    void attach(long masterId) {
        this.masterId = masterId;
    }

    /**
     * Sends a check-in unless one is under way.
     *
     * @return the future of the check-in under way: true once it succeeded (and {@link Succeeded}
     *     was told), false once it failed
     */
    synchronized CompletableFuture<Boolean> send() {
        if (underWay != null) {
            return underWay;
        }
        Instant sentAt = clock.instant();
        long startNanos = System.nanoTime();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        underWay = done;
        underWaySince = sentAt;
        long id = masterId;
        CompletableFuture<Boolean> change;
        try {
            change = lane.get().setMasterState(id, true);
        } catch (RuntimeException e) {
            change = CompletableFuture.failedFuture(e);
        }
        change.whenComplete((changed, error) -> {
            boolean ok = ended(done, sentAt, System.nanoTime() - startNanos, changed, error);
            // One sent for the id this master had before it registered again tells nothing of it now.
            if (ok && id == masterId) {
                onSuccess.succeeded(sentAt, Boolean.TRUE.equals(changed));
            }
            done.complete(ok);
        });
        return done;
    }

    /** The check-in under way, or null. */
    synchronized @Nullable CompletableFuture<Boolean> underWay() {
        return underWay;
    }

    /**
     * Whether a check-in is under way, so that none should be sent; says so in the log the first
     * time for each one, as a warning unless check-ins are already known to fail (the outage was
     * reported when it began, and each check-in of a server that is down stalls before it fails).
     */
    synchronized boolean stalled() {
        if (underWay == null) {
            return false;
        }
        if (!stallReported) {
            stallReported = true;
            String message =
                    "master {} ('{}'): the check-in sent at {} has not completed; no other is sent until it does";
            Instant since = underWaySince == null ? null : underWaySince.truncatedTo(ChronoUnit.MILLIS);
            if (outageSince == null) {
                log.warn(message, masterId, name, since);
            } else {
                log.debug(message, masterId, name, since);
            }
        }
        return true;
    }

    synchronized long succeeded() {
        return succeeded;
    }

    synchronized long failed() {
        return failed;
    }

    synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** The time spent in check-ins, succeeded or failed. */
    synchronized Duration time() {
        return time;
    }

    private synchronized boolean ended(
            CompletableFuture<Boolean> done,
            Instant sentAt,
            long nanos,
            @Nullable Boolean changed,
            @Nullable Throwable error) {
        boolean stalled = underWay == done && stallReported;
        if (underWay == done) {
            underWay = null;
            underWaySince = null;
            stallReported = false;
        }
        time = time.plusNanos(nanos);
        if (error != null || changed == null) {
            failed++;
            consecutiveFailures++;
            String cause =
                    error == null ? "no result" : Await.unwrap(error, error).getMessage();
            if (outageSince == null) {
                outageSince = sentAt;
                log.warn(
                        "master {} ('{}') cannot check in: {}; retrying every {}",
                        masterId,
                        name,
                        cause,
                        Durations.format(interval));
            } else {
                log.debug("check-in of master {} still failing: {}", masterId, cause);
            }
            return false;
        }
        succeeded++;
        consecutiveFailures = 0;
        if (stalled && outageSince == null) {
            // Its stall was warned of: say that it ended, and how long the check-in took.
            log.info(
                    "master {} ('{}'): the check-in sent at {} completed after {}",
                    masterId,
                    name,
                    sentAt.truncatedTo(ChronoUnit.MILLIS),
                    Durations.formatElapsed(Duration.ofNanos(nanos)));
        }
        if (outageSince != null) {
            log.info(
                    "master {} ('{}') checked in again: the database is back after {}",
                    masterId,
                    name,
                    Durations.formatElapsed(Duration.between(outageSince, clock.instant())));
            outageSince = null;
        }
        return true;
    }
}
