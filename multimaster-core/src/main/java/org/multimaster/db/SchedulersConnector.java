package org.multimaster.db;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Buildbot's schedulers DB connector: registers schedulers by name and records which master runs
 * each one. A master claims a scheduler by inserting its {@code scheduler_masters} row; the primary
 * key makes exactly one concurrent claim win.
 *
 * <p>Thread-safe; every method returns at once and runs its SQL on the database executor.
 */
public interface SchedulersConnector {

    /**
     * Returns the id of the scheduler with this name, registering it (enabled) if it is new. Racing
     * registrations of one name all get the same id.
     *
     * @throws IllegalArgumentException at once if {@code name} is blank
     */
    CompletableFuture<Long> findSchedulerId(String name);

    /**
     * Claims a scheduler for a master, or releases it.
     *
     * <p>Claiming one the master already owns is a no-op. Claiming one that another <em>active</em>
     * master owns completes exceptionally with {@link AlreadyClaimedException} naming the owner; one
     * linked to an inactive master is taken over. {@code null} releases the scheduler, whoever owns
     * it.
     *
     * @param schedulerId the scheduler id
     * @param masterId the claiming master's id, or {@code null} to release
     */
    CompletableFuture<Void> setSchedulerMaster(long schedulerId, @Nullable Long masterId);

    /** Returns one scheduler, or empty if no scheduler has this id. */
    CompletableFuture<Optional<SchedulerModel>> getScheduler(long schedulerId);

    /**
     * Returns schedulers in id order.
     *
     * @param active {@code true}: only claimed ones; {@code false}: only unclaimed ones;
     *     {@code null}: all
     * @param masterId only those claimed by this master, or {@code null} for any
     */
    CompletableFuture<List<SchedulerModel>> getSchedulers(@Nullable Boolean active, @Nullable Long masterId);

    /**
     * Returns the schedulers a query selects, executed in SQL.
     *
     * <p>Fields: those of {@link ResourceType#SCHEDULER} ({@code schedulerid}, {@code name},
     * {@code enabled}, and {@code master}, the owner's id, which can be ordered (unowned first) but
     * not filtered), plus {@code masterid}, the owner's id as a filterable integer. Without an
     * order, rows come in id order.
     *
     * @param spec filters, order, offset and limit
     * @return one page of schedulers plus the total number that match the filters
     * @throws IllegalArgumentException at once if the spec names an unknown field, an operator the
     *     field does not support, or a value of the wrong type
     */
    CompletableFuture<ListResult<SchedulerModel>> getSchedulers(ResultSpec spec);
}
