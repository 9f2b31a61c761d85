package org.multimaster.db;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Buildbot's change sources DB connector: registers change sources by name and records which
 * master runs each one, with the same claim rules as {@link SchedulersConnector}.
 *
 * <p>Thread-safe; every method returns at once and runs its SQL on the database executor.
 */
public interface ChangeSourcesConnector {

    /**
     * Returns the id of the change source with this name, registering it if it is new.
     *
     * @throws IllegalArgumentException at once if {@code name} is blank
     */
    CompletableFuture<Long> findChangeSourceId(String name);

    /**
     * Claims a change source for a master, or releases it; see
     * {@link SchedulersConnector#setSchedulerMaster}.
     */
    CompletableFuture<Void> setChangeSourceMaster(long changeSourceId, @Nullable Long masterId);

    /** Returns one change source, or empty if none has this id. */
    CompletableFuture<Optional<ChangeSourceModel>> getChangeSource(long changeSourceId);

    /**
     * Returns change sources in id order, filtered as in {@link SchedulersConnector#getSchedulers}.
     */
    CompletableFuture<List<ChangeSourceModel>> getChangeSources(@Nullable Boolean active, @Nullable Long masterId);

    /**
     * Returns the change sources a query selects, executed in SQL, with the fields of
     * {@link ResourceType#CHANGESOURCE} plus {@code masterid}; see
     * {@link SchedulersConnector#getSchedulers(ResultSpec)}.
     */
    CompletableFuture<ListResult<ChangeSourceModel>> getChangeSources(ResultSpec spec);
}
