package org.multimaster.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.TimeSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the database clock against this host's, to the millisecond, and says what that means
 * in the log: the database is read halfway through a round trip, so its reading is compared with
 * the host's clock at the middle of it, give or take half the round trip. Stateless and
 * thread-safe.
 */
final class ClockSkew {

    private static final Logger log = LoggerFactory.getLogger(ClockSkew.class);

    private ClockSkew() {}

    /**
     * Measures and logs the skew: a warning when hosts whose clocks disagree that much can expire
     * live masters (time comes from the host, and the skew reaches a heartbeat interval); otherwise
     * an info line for the first measurement and for one that moved by a second or more since
     * {@code previous}, the rest at debug level (a master measures every ten heartbeats).
     *
     * @param previous the skew measured last time; null for the first measurement
     * @return the database clock minus the host's; null if the database could not be read
     */
    static @Nullable Duration measure(
            DbConnector db, Clock clock, Duration interval, Duration timeout, @Nullable Duration previous) {
        Duration skew;
        Duration uncertainty;
        try {
            Instant hostBefore = clock.instant();
            long startNanos = System.nanoTime();
            Instant database = Await.await(db.databaseNow(), timeout);
            Duration roundTrip = Duration.ofNanos(System.nanoTime() - startNanos);
            skew = Duration.between(hostBefore.plus(roundTrip.dividedBy(2)), database);
            // A database reading has whole-millisecond resolution.
            uncertainty = roundTrip.dividedBy(2).plusMillis(1);
        } catch (MultimasterException e) {
            log.debug("could not measure the clock skew", e);
            return null;
        }
        boolean hostTime = db.timeSource() == TimeSource.APPLICATION;
        if (hostTime
                && skew.abs().compareTo(Duration.ofSeconds(1).plus(uncertainty)) > 0
                && skew.abs().compareTo(interval) >= 0) {
            log.warn(
                    "this host's clock and the database's differ by {}; hosts whose clocks disagree can expire"
                            + " live masters: fix the clocks or run with --clock database",
                    seconds(skew, uncertainty));
        } else {
            String described = skew.abs().compareTo(uncertainty) <= 0
                    ? "none measurable (within " + uncertainty.toMillis() + " ms)"
                    : seconds(skew, uncertainty);
            String unused = hostTime ? "" : " (not used: time comes from the database)";
            if (previous == null || skew.minus(previous).abs().compareTo(Duration.ofSeconds(1)) >= 0) {
                log.info("clock skew between this host and the database: {}{}", described, unused);
            } else {
                log.debug("clock skew between this host and the database: {}{}", described, unused);
            }
        }
        return skew;
    }

    /** A skew as {@code +3600.012 s (±2 ms)}. */
    private static String seconds(Duration skew, Duration uncertainty) {
        return String.format(Locale.ROOT, "%+.3f s (±%d ms)", skew.toMillis() / 1000.0, uncertainty.toMillis());
    }
}
