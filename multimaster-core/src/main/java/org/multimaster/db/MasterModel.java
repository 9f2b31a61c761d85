package org.multimaster.db;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One row of Buildbot's {@code masters} table.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the master id ({@code masters.id})
 * @param name the master's name, usually {@code hostname:basedir}, exactly as registered
 * @param active whether the master is marked as running
 * @param lastActive the master's last check-in, in whole seconds, UTC
 */
public record MasterModel(long id, String name, boolean active, Instant lastActive) {

    public MasterModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lastActive, "lastActive");
        if (!lastActive.truncatedTo(ChronoUnit.SECONDS).equals(lastActive)) {
            throw new IllegalArgumentException(
                    "lastActive " + lastActive + " must be whole seconds: the masters table stores epoch seconds");
        }
    }
}
