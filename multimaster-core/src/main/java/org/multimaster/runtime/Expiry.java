package org.multimaster.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
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
 *       sweeping at once exactly one sees {@code true}, and it deletes the master's links and
 *       finishes its builds in that same transaction;
 *   <li>the winner alone calls the housekeeping listeners and publishes {@code stopped}.
 * </ol>
 *
 * <p>A deactivation that was sent is followed to its end, however long the database takes: if it
 * commits a win, the listeners run, even after the caller stopped waiting. Otherwise a slow
 * database could make this sweep win a state change whose housekeeping nobody ever runs, since
 * every later sweep sees the master inactive already. A master whose deactivation is still under
 * way is not sent again.
 *
 * <p>Thread-safe if its listeners are.
 */
public final class Expiry {

    /**
     * The longest expiry that could expire a live Buildbot master: Buildbot masters check in every
     * 60 s on a timer that a busy master runs late, and a check-in may be stamped up to a second
     * early.
     */
    public static final Duration LONGEST_UNSAFE_BESIDE_BUILDBOT = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(Expiry.class);

    private final MastersConnector masters;
    private final Duration expiry;
    private final List<HousekeepingListener> housekeeping;
    private final Consumer<MasterEvent> events;
    private final Executor listeners;
    private final Set<Long> underWay = ConcurrentHashMap.newKeySet();
    private final AtomicLong expired = new AtomicLong();

    /**
     * An expiry whose listeners run on the thread that completes each deactivation.
     *
     * @param masters the masters connector
     * @param expiry how long a master may go without checking in
     * @param housekeeping listeners to call for each master this sweep deactivates
     * @param events receives a {@code stopped} event for each master this sweep deactivates
     */
    public Expiry(
            MastersConnector masters,
            Duration expiry,
            List<HousekeepingListener> housekeeping,
            Consumer<MasterEvent> events) {
        this(masters, expiry, housekeeping, events, Runnable::run);
    }

    /** As above, with the listeners and events delivered through {@code listeners}. */
    Expiry(
            MastersConnector masters,
            Duration expiry,
            List<HousekeepingListener> housekeeping,
            Consumer<MasterEvent> events,
            Executor listeners) {
        this.masters = Objects.requireNonNull(masters, "masters");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.housekeeping = List.copyOf(housekeeping);
        this.events = Objects.requireNonNull(events, "events");
        this.listeners = Objects.requireNonNull(listeners, "listeners");
    }

    /**
     * Refuses an expiry that would expire live Buildbot masters on a database that Buildbot
     * created, unless forced.
     *
     * @param db the database the expiry is for
     * @param expiry the expiry
     * @param force whether the caller knows that no Buildbot master uses the database
     * @throws IllegalArgumentException saying why and what to do
     */
    public static void requireSafeBesideBuildbot(DbConnector db, Duration expiry, boolean force) {
        if (!force && db.isBuildbotSchema() && expiry.compareTo(LONGEST_UNSAFE_BESIDE_BUILDBOT) <= 0) {
            String longest = Durations.format(LONGEST_UNSAFE_BESIDE_BUILDBOT);
            throw new IllegalArgumentException("expiry " + Durations.format(expiry)
                    + " would expire live Buildbot masters: " + db.url() + " was created by Buildbot, whose masters"
                    + " check in only every 60 s, so an expiry of " + longest + " or less can declare a running"
                    + " Buildbot master dead and finish its builds; use Buildbot's --expire 10m (anything above "
                    + longest + "), or pass --force-short-expiry if no Buildbot master uses this database");
        }
    }

    /**
     * Runs one sweep and waits until each deactivation it sent has finished.
     *
     * @param self the id of the master running the sweep, never expired by it; or -1 for none
     * @return the masters this sweep deactivated (and housekept), in id order
     * @throws MultimasterException if the database fails; masters deactivated despite the failure
     *     have been housekept
     */
    public List<MasterModel> sweep(long self) {
        return Await.join(sweepAsync(self));
    }

    /**
     * Starts one sweep.
     *
     * @param self the id of the master running the sweep, never expired by it; or -1 for none
     * @return completes when each deactivation this sweep sent has finished, with the masters it
     *     deactivated in id order (their housekeeping is handed to the listeners' executor by then);
     *     completes exceptionally if the database failed
     */
    public CompletableFuture<List<MasterModel>> sweepAsync(long self) {
        return masters.getExpiredMasters(expiry).thenCompose(candidates -> {
            List<CompletableFuture<Optional<MasterModel>>> sent = new ArrayList<>();
            for (MasterModel master : candidates) {
                if (master.id() != self && underWay.add(master.id())) {
                    sent.add(deactivate(master));
                }
            }
            return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                    .thenApply(done -> sent.stream()
                            .map(CompletableFuture::join)
                            .flatMap(Optional::stream)
                            .toList());
        });
    }

    /** How many masters this expiry has deactivated (and housekept) since it was made. */
    public long expiredCount() {
        return expired.get();
    }

    private CompletableFuture<Optional<MasterModel>> deactivate(MasterModel master) {
        CompletableFuture<Boolean> change;
        try {
            change = masters.setMasterState(master.id(), false);
        } catch (RuntimeException e) {
            change = CompletableFuture.failedFuture(e);
        }
        return change.handle((won, error) -> {
            underWay.remove(master.id());
            if (error != null) {
                throw Await.unwrap(error, error);
            }
            if (!won) {
                return Optional.empty();
            }
            log.info(
                    "expired master {} ('{}'): last check-in {} is more than {} ago",
                    master.id(),
                    master.name(),
                    master.lastActive(),
                    Durations.format(expiry));
            expired.incrementAndGet();
            listeners.execute(() -> housekeep(master));
            return Optional.of(master);
        });
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
}
