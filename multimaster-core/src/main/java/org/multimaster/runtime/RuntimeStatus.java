package org.multimaster.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a running master, for health checks and metrics. Immutable and thread-safe.
 *
 * @param masterId the master's id; -1 before it started
 * @param name the master's name
 * @param active whether the master believes it is active (started, not closed, not declared dead)
 * @param lastCheckIn when the last check-in that succeeded was sent, by the runtime's clock; null
 *     before the first
 * @param interval the heartbeat interval
 * @param expiry how long peers let a master go without checking in
 * @param checkIns how many check-ins succeeded
 * @param checkInFailures how many check-ins failed
 * @param consecutiveFailures how many check-ins failed since the last that succeeded
 * @param checkInTime the time spent in check-ins, succeeded or failed
 * @param expiredPeers how many silent peers this master expired
 * @param housekeepingRuns how many masters this master housekept: the peers it expired, and itself
 *     when it found it had not shut down cleanly
 * @param owned the components this master runs now
 * @param clockSkew the database clock minus this host's, as last measured; null before the first
 *     measurement
 */
public record RuntimeStatus(
        long masterId,
        String name,
        boolean active,
        @Nullable Instant lastCheckIn,
        Duration interval,
        Duration expiry,
        long checkIns,
        long checkInFailures,
        int consecutiveFailures,
        Duration checkInTime,
        long expiredPeers,
        long housekeepingRuns,
        Set<Component> owned,
        @Nullable Duration clockSkew) {

    public RuntimeStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(checkInTime, "checkInTime");
        owned = Set.copyOf(owned);
    }
}
