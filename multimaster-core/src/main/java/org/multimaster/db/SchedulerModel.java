package org.multimaster.db;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A scheduler (Buildbot's {@code schedulers} row) and the master that runs it, if any.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the scheduler id
 * @param name the scheduler's name
 * @param enabled whether the scheduler is enabled
 * @param masterId the id of the master that has claimed it, or {@code null} if none has
 */
public record SchedulerModel(
        long id, String name, boolean enabled, @Nullable Long masterId) {

    public SchedulerModel {
        Objects.requireNonNull(name, "name");
    }
}
