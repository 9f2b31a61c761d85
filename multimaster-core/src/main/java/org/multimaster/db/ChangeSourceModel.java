package org.multimaster.db;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change source (Buildbot's {@code changesources} row) and the master that runs it, if any.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the change source id
 * @param name the change source's name
 * @param masterId the id of the master that has claimed it, or {@code null} if none has
 */
public record ChangeSourceModel(
        long id, String name, @Nullable Long masterId) {

    public ChangeSourceModel {
        Objects.requireNonNull(name, "name");
    }
}
