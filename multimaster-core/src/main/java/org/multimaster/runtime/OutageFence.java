package org.multimaster.runtime;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * When a master that cannot check in must stop its components: one heartbeat interval before its
 * peers may expire it and take them over.
 *
 * <p>Peers expire a master once its {@code last_active} is more than the expiry old. A check-in
 * writes {@code last_active} in whole seconds, no earlier than the second in which it was sent;
 * so after the last check-in that succeeded, sent at {@code t}, peers may expire the master from
 * {@code floor(t) + expiry} on, and the fence falls at {@code floor(t) + expiry - interval}: the
 * components have stopped a whole interval before anyone else may start them. Only the send time
 * counts, never when the answer came back: a check-in that took long was still written early.
 *
 * <p>Pure bookkeeping, no threads: the runtime asks it at each heartbeat and from a timer set to
 * {@link #deadline()}. Thread-safe.
 */
final class OutageFence {

    private final Duration expiry;
    private final Duration interval;
    private @Nullable Instant lastCheckIn;
    private boolean down = true;

    /**
     * @param expiry how long peers let a master go without checking in
     * @param interval the heartbeat interval, the margin kept before the expiry
     */
    OutageFence(Duration expiry, Duration interval) {
        this.expiry = expiry;
        this.interval = interval;
    }

    /**
     * Records a check-in that succeeded. A result that arrives after a later one is ignored; the
     * fence lifts if the new deadline is still ahead.
     *
     * @param sentAt when the check-in was sent
     * @param now the time now
     * @return the deadline from now on
     */
    synchronized Instant checkedIn(Instant sentAt, Instant now) {
        if (lastCheckIn == null || sentAt.isAfter(lastCheckIn)) {
            lastCheckIn = sentAt;
        }
        Instant deadline = deadlineAfter(lastCheckIn);
        if (now.isBefore(deadline)) {
            down = false;
        }
        return deadline;
    }

    /** When the components must stop unless a check-in succeeds first; null before the first one. */
    synchronized @Nullable Instant deadline() {
        return lastCheckIn == null ? null : deadlineAfter(lastCheckIn);
    }

    /** The send time of the last check-in that succeeded; null before the first. */
    synchronized @Nullable Instant lastCheckIn() {
        return lastCheckIn;
    }

    /** Whether the components may run at {@code now}: a check-in has succeeded, and its deadline is ahead. */
    synchronized boolean allowsAt(Instant now) {
        return !down && lastCheckIn != null && now.isBefore(deadlineAfter(lastCheckIn));
    }

    /**
     * Puts the fence down if its deadline has come.
     *
     * @return true exactly once per outage, when the caller must stop the components
     */
    synchronized boolean closesAt(Instant now) {
        if (down || lastCheckIn == null || now.isBefore(deadlineAfter(lastCheckIn))) {
            return false;
        }
        down = true;
        return true;
    }

    private Instant deadlineAfter(Instant sentAt) {
        return sentAt.truncatedTo(ChronoUnit.SECONDS).plus(expiry).minus(interval);
    }
}
