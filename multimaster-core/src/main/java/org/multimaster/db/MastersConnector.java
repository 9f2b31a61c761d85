package org.multimaster.db;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Buildbot's masters DB connector: registers masters by name, records their check-ins and their
 * state, and cleans up a master's links when it is marked inactive.
 *
 * <p>Every method runs its SQL on the connector's bounded database executor and returns at once;
 * a database failure completes the future exceptionally with a {@link MultimasterException} whose
 * cause is the driver's {@link java.sql.SQLException}, and nothing is half-written. Bad arguments
 * throw at once and write nothing.
 *
 * <p>Thread-safe: any number of threads and processes may call it on the same rows; see each
 * method for what holds under races.
 */
public interface MastersConnector {

    /**
     * Returns the id of the master with this name, registering it if it is new.
     *
     * <p>A new master is inserted inactive, with {@code last_active} = now. Any number of threads or
     * processes registering the same new name at once all get the same id, and exactly one row
     * exists afterwards. Names are compared exactly (by the SHA-1 of their UTF-8 bytes), so names
     * that differ only by case are two masters on every database.
     *
     * @param name the master's name, any non-blank Unicode string, stored verbatim
     * @return the master id
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    CompletableFuture<Long> findMasterId(String name);

    /**
     * Marks a master active (a check-in) or inactive.
     *
     * <p>Activation sets {@code last_active} = now even when the master was already active.
     * Deactivation leaves {@code last_active} unchanged and deletes every link row of the master
     * (scheduler and change source claims, builder registrations, worker connections, claims on
     * build requests that are not complete) in the same transaction. The deactivation that changes
     * the state also finishes the master's running builds as Buildbot's housekeeping does (logs of
     * unfinished steps complete, the steps and builds {@code RETRY}), in that same transaction;
     * completed builds stay as they are. When several callers change the same master at once,
     * exactly one of them sees {@code true}.
     *
     * @param masterId the master id
     * @param active the new state
     * @return true only if the stored state changed; false if it was already in that state or no
     *     master has this id (in which case nothing is written)
     */
    CompletableFuture<Boolean> setMasterState(long masterId, boolean active);

    /**
     * Returns one master.
     *
     * @param masterId the master id
     * @return the master, or empty if no master has this id
     */
    CompletableFuture<Optional<MasterModel>> getMaster(long masterId);

    /**
     * Returns every master, ordered by id.
     *
     * @return all masters
     */
    CompletableFuture<List<MasterModel>> getMasters();

    /**
     * Returns the masters a query selects, executed in SQL.
     *
     * <p>Fields: {@code masterid} (integer), {@code name} (string), {@code active} (boolean) and
     * {@code last_active} (epoch seconds). Without an order, rows come in id order.
     *
     * @param spec filters, order, offset and limit
     * @return one page of masters plus the total number that match the filters
     * @throws IllegalArgumentException at once if the spec names an unknown field, an operator the
     *     field does not support, or a value of the wrong type
     */
    CompletableFuture<ListResult<MasterModel>> getMasters(ResultSpec spec);

    /**
     * Marks every master active with {@code last_active} = 0 (the epoch), committed.
     *
     * <p>The upgrade command runs this so that, at the next start, every master is seen as expired
     * and fully housekept.
     *
     * @return a future that completes when the change is committed
     */
    CompletableFuture<Void> setAllMastersActiveLongTimeAgo();

    /**
     * Returns the active masters whose last check-in is older than {@code expiry}: those with
     * {@code last_active < now - expiry} (a master exactly {@code expiry} old is not expired), in id
     * order. Goes beyond Buildbot: one indexed query on a multimaster schema.
     *
     * @param expiry how long a master may go without checking in
     * @throws IllegalArgumentException at once if {@code expiry} is not positive
     */
    CompletableFuture<List<MasterModel>> getExpiredMasters(Duration expiry);

    /**
     * Deletes the masters that have been inactive for longer than {@code inactiveFor} and that no
     * row references any more (no build, no link). Goes beyond Buildbot.
     *
     * @param inactiveFor how long a master must have been inactive
     * @return the masters deleted, in id order
     * @throws IllegalArgumentException at once if {@code inactiveFor} is negative
     */
    CompletableFuture<List<MasterModel>> pruneMasters(Duration inactiveFor);
}
