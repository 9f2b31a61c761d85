package org.multimaster.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.MultimasterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One expiry sweep: marks inactive every active master whose last check-in is older than the
 * expiry, and runs the housekeeping of each master whose state change this sweep won.
 *
 * <ol>
 *   <li>ask the database for the active masters with {@code last_active < now - expiry} (one
 *       indexed query; a master exactly at the limit is not expired);
 *   <li>for each, {@code setMasterState(id, false)}: the connector guarantees that of all masters
 *       sweeping at once exactly one sees {@code true}, and its link rows are deleted in that
 *       same transaction;
 *   <li>the winner alone calls the housekeeping listeners and publishes {@code stopped}.
 * </ol>
 *
 * <p>Thread-safe if its listeners are.
 */
public final class Expiry {

    private static final Logger log = LoggerFactory.getLogger(Expiry.class);

    private final MastersConnector masters;
    private final Duration expiry;
    private final Duration timeout;
    private final List<HousekeepingListener> housekeeping;
    private final Consumer<MasterEvent> events;

    /**
     * @param masters the masters connector
     * @param expiry how long a master may go without checking in
     * @param timeout how long to wait for each database call
     * @param housekeeping listeners to call for each master this sweep deactivates
     * @param events receives a {@code stopped} event for each master this sweep deactivates
     */
    public Expiry(
            MastersConnector masters,
            Duration expiry,
            Duration timeout,
            List<HousekeepingListener> housekeeping,
            Consumer<MasterEvent> events) {
        this.masters = Objects.requireNonNull(masters, "masters");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.housekeeping = List.copyOf(housekeeping);
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * Runs one sweep.
     *
     * @param self the id of the master running the sweep, never expired by it; or -1 for none
     * @return the masters this sweep deactivated (and housekept), in id order
     * @throws MultimasterException if the database fails; masters deactivated before the failure
     *     have been housekept
     */
    public List<MasterModel> sweep(long self) {
        List<MasterModel> deactivated = new ArrayList<>();
        for (MasterModel master : await(masters.getExpiredMasters(expiry))) {
            if (master.id() == self) {
                continue;
            }
            if (await(masters.setMasterState(master.id(), false))) {
                log.info(
                        "expired master {} ('{}'): last check-in {} is more than {} ago",
                        master.id(),
                        master.name(),
                        master.lastActive(),
                        expiry);
                housekeep(master);
                deactivated.add(master);
            }
        }
        return deactivated;
    }

    /** Runs the housekeeping listeners for a master this process deactivated, then publishes {@code stopped}. */
    void housekeep(MasterModel master) {
        for (HousekeepingListener listener : housekeeping) {
            try {
                listener.housekeep(master);
            } catch (RuntimeException e) {
                log.error(
                        "housekeeping listener {} failed for master {} ('{}')",
                        listener,
                        master.id(),
                        master.name(),
                        e);
            }
        }
        events.accept(new MasterEvent(MasterEvent.Type.STOPPED, master.id(), master.name(), false));
    }

    <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MultimasterException m) {
                throw m;
            }
            throw new MultimasterException("database call failed: " + cause, cause == null ? e : cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new MultimasterException("database call did not complete within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultimasterException("interrupted while waiting for the database", e);
        }
    }
}
