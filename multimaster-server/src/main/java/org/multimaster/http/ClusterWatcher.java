package org.multimaster.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ChangeSourceModel;
import org.multimaster.db.ClusterPoll;
import org.multimaster.db.ClusterState;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.SchedulerModel;
import org.multimaster.json.BuildbotJson;
import org.multimaster.runtime.MasterEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the cluster for the event stream: every poll interval it reads the masters and claims in
 * one statement and publishes what changed since the previous read, whichever process changed it
 * (another master, the CLI, Buildbot). What this process does itself is published at once: its
 * runtime's {@code started} / {@code stopped} events directly, its claims through an immediate read.
 *
 * <p>A poll reads the active masters, the masters registered since, every claim and the count of all
 * masters ({@link DbConnector#clusterPoll(long)}), not the inactive masters it knows, which a
 * registry gathers over the years. When a master it knew as active is not among them (it stopped or
 * was deleted), or the count is not the one it expects (an inactive master was deleted, or a
 * registration committed out of id order), it reads every master ({@link DbConnector#clusterState()})
 * instead, as it does at its first read and once every {@link #FULL_READ_INTERVAL}, for what a poll
 * cannot see: an inactive row changed by hand.
 *
 * <ol>
 *   <li>the first read only learns the state;
 *   <li>a master whose {@code active} flipped: {@code started} or {@code stopped}; one whose
 *       {@code last_active} moved, or a new one: {@code updated}; one gone: {@code removed};
 *   <li>a component claimed by a new owner: {@code claimed}; one whose claim is gone:
 *       {@code released} (by its previous owner).
 * </ol>
 *
 * <p>Runs on its own thread and reads through the API's connector, independent of the heartbeat.
 * Publishing never blocks (see {@link EventStream}). Thread-safe: all state changes on the
 * watcher's thread.
 */
final class ClusterWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterWatcher.class);

    /** How often the watcher reads every master even when the polls found nothing amiss. */
    static final Duration FULL_READ_INTERVAL = Duration.ofMinutes(1);

    private final DbConnector db;
    private final Duration poll;
    private final Consumer<ClusterEvent> sink;
    private final Clock clock;
    private final ScheduledExecutorService thread;

    // Touched only on the watcher's thread.
    private final Map<Long, MasterModel> masters = new HashMap<>();
    private final Map<String, Claim> claims = new HashMap<>();
    /** The state each master's last published started/stopped announced, so that none is sent twice. */
    private final Map<Long, Boolean> announced = new HashMap<>();

    private boolean initialized;
    private boolean failing;
    /** The highest master id known. */
    private long maxId;
    /** How many of the known masters are active. */
    private int activeCount;
    /** When the watcher last read every master, by its clock. */
    private Instant lastFullRead = Instant.MIN;

    // Read by other threads.
    private volatile int publishedActive = -1;
    private volatile int publishedInactive = -1;
    private volatile long fullReads; // written on the watcher's thread only
    private volatile @Nullable Instant lastSuccess;
    private volatile @Nullable String lastError;
    private volatile double skewSeconds = Double.NaN;
    private long skewMeasuredAt = Long.MIN_VALUE;

    ClusterWatcher(DbConnector db, Duration poll, Consumer<ClusterEvent> sink, Clock clock) {
        this.db = db;
        this.poll = poll;
        this.sink = sink;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "multimaster-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts polling: at once, then every poll interval. */
    void start() {
        long millis = poll.toMillis();
        // Failures are caught in pollSafely, so the schedule never dies; close() stops it.
        var unused = thread.scheduleWithFixedDelay(this::pollSafely, 0, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Reads the cluster now, on the watcher's thread, without waiting for the next interval.
     *
     * @return done when the read has ended (at once if the watcher is closed)
     */
    Future<?> pollNow() {
        return execute(this::pollSafely);
    }

    /** Publishes an event of this process's runtime at once, then reads the cluster. */
    void local(MasterEvent event) {
        Objects.requireNonNull(event, "event");
        var unused = execute(() -> {
            MasterModel known = masters.get(event.masterId());
            Instant lastActive = known != null
                    ? known.lastActive()
                    : clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            remember(new MasterModel(event.masterId(), event.name(), event.active(), lastActive));
            // A poll may have seen the change first (as a new master, say) without announcing it.
            if (!Boolean.valueOf(event.active()).equals(announced.get(event.masterId()))) {
                announce(event.masterId(), event.name(), event.active());
            }
            pollSafely();
        });
    }

    /** How many masters are active ({@code true}) or not, as last read; NaN before the first read. */
    double masterCount(boolean active) {
        int count = active ? publishedActive : publishedInactive;
        return count < 0 ? Double.NaN : count;
    }

    /** How many times the watcher has read every master. */
    long fullReads() {
        return fullReads;
    }

    /** When the last read succeeded, or null if none has. */
    @Nullable
    Instant lastSuccess() {
        return lastSuccess;
    }

    /** Why the last read failed, or null if it succeeded. */
    @Nullable
    String lastError() {
        return lastError;
    }

    /**
     * The database's clock minus this host's, in seconds with millisecond resolution (the host's
     * time taken halfway through the database's answer), measured every 30 s; NaN before the first
     * measurement.
     */
    double skewSeconds() {
        return skewSeconds;
    }

    private void measureSkew() throws Exception {
        long now = System.nanoTime();
        if (skewMeasuredAt != Long.MIN_VALUE
                && now - skewMeasuredAt < Duration.ofSeconds(30).toNanos()) {
            return;
        }
        skewMeasuredAt = now;
        Instant hostBefore = clock.instant();
        Instant database = db.databaseNow().get(Math.max(1, poll.toMillis() * 5), TimeUnit.MILLISECONDS);
        Duration roundTrip = Duration.ofNanos(System.nanoTime() - now);
        skewSeconds = Duration.between(hostBefore.plus(roundTrip.dividedBy(2)), database)
                        .toMillis()
                / 1000.0;
    }

    /** The poll interval. */
    Duration poll() {
        return poll;
    }

    /**
     * Stops polling and waits (a few seconds at most) for a read under way to end, so that the
     * connector can be closed after this returns without the watcher still using it.
     */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("the cluster watcher did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code task} on the watcher's thread; the future is done when it has run, or at once if closed. */
    private Future<?> execute(Runnable task) {
        try {
            return thread.submit(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null); // closed: nothing to watch any more
        }
    }

    private void pollSafely() {
        try {
            read();
            measureSkew();
            lastSuccess = clock.instant();
            lastError = null;
            if (failing) {
                log.info("the cluster watcher reads the database again");
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Throwable cause =
                    e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            lastError = cause instanceof MultimasterException ? cause.getMessage() : cause.toString();
            if (!failing) {
                log.warn(
                        "the cluster watcher cannot read the database: {}; retrying every {}",
                        lastError,
                        Durations.format(poll));
                failing = true;
            }
        }
    }

    private void read() throws Exception {
        long timeout = Math.max(1, poll.toMillis() * 5);
        Instant now = clock.instant();
        if (initialized && now.isBefore(lastFullRead.plus(FULL_READ_INTERVAL)) && !now.isBefore(lastFullRead)) {
            ClusterPoll found = db.clusterPoll(maxId).get(timeout, TimeUnit.MILLISECONDS);
            if (accounted(found)) {
                for (MasterModel master : found.masters()) {
                    compare(master);
                }
                compareClaims(found.schedulers(), found.changeSources());
                publishCounts();
                return;
            }
        }
        ClusterState state = db.clusterState().get(timeout, TimeUnit.MILLISECONDS);
        lastFullRead = now;
        fullReads++;
        apply(state);
    }

    /**
     * Whether a poll accounts for every change: each master known as active is still active, and
     * the count is the known masters plus the new ones read.
     */
    private boolean accounted(ClusterPoll found) {
        int stillActive = 0;
        int added = 0;
        for (MasterModel master : found.masters()) {
            MasterModel known = masters.get(master.id());
            if (known == null) {
                added++;
            } else if (known.active()) {
                stillActive++;
            }
        }
        return stillActive == activeCount && found.masterCount() == masters.size() + added;
    }

    private void apply(ClusterState state) {
        boolean publish = initialized;
        initialized = true;
        Set<Long> seen = new HashSet<>();
        for (MasterModel master : state.masters()) {
            seen.add(master.id());
            if (publish) {
                compare(master);
            } else {
                remember(master);
            }
        }
        for (Long id : List.copyOf(masters.keySet())) {
            if (!seen.contains(id)) {
                MasterModel gone = forget(id);
                announced.remove(id);
                if (publish && gone != null) {
                    sink.accept(ClusterEvent.of("masters", id, "removed", BuildbotJson.master(gone)));
                }
            }
        }
        if (publish) {
            compareClaims(state.schedulers(), state.changeSources());
        } else {
            claims.clear();
            claims.putAll(claims(state.schedulers(), state.changeSources()));
        }
        publishCounts();
    }

    /** Takes {@code master} as read and publishes how it differs from what was known of it. */
    private void compare(MasterModel master) {
        MasterModel known = remember(master);
        if (known == null) {
            sink.accept(ClusterEvent.of("masters", master.id(), "updated", BuildbotJson.master(master)));
            if (master.active()) {
                announce(master.id(), master.name(), true);
            }
        } else if (known.active() != master.active()) {
            announce(master.id(), master.name(), master.active());
        } else if (!known.lastActive().equals(master.lastActive())) {
            sink.accept(ClusterEvent.of("masters", master.id(), "updated", BuildbotJson.master(master)));
        }
    }

    private @Nullable MasterModel remember(MasterModel master) {
        MasterModel known = masters.put(master.id(), master);
        if (known != null && known.active()) {
            activeCount--;
        }
        if (master.active()) {
            activeCount++;
        }
        maxId = Math.max(maxId, master.id());
        return known;
    }

    private @Nullable MasterModel forget(long id) {
        MasterModel gone = masters.remove(id);
        if (gone != null && gone.active()) {
            activeCount--;
        }
        return gone;
    }

    private void publishCounts() {
        publishedActive = activeCount;
        publishedInactive = masters.size() - activeCount;
    }

    /** Publishes the claims that changed owner or went, and takes the ones read as known. */
    private void compareClaims(List<SchedulerModel> schedulers, List<ChangeSourceModel> changeSources) {
        Map<String, Claim> current = claims(schedulers, changeSources);
        for (Map.Entry<String, Claim> entry : current.entrySet()) {
            Claim known = claims.get(entry.getKey());
            Claim now = entry.getValue();
            if (known == null || known.masterId() != now.masterId()) {
                if (known != null) {
                    sink.accept(known.event("released"));
                }
                sink.accept(now.event("claimed"));
            }
        }
        for (Map.Entry<String, Claim> entry : claims.entrySet()) {
            if (!current.containsKey(entry.getKey())) {
                sink.accept(entry.getValue().event("released"));
            }
        }
        claims.clear();
        claims.putAll(current);
    }

    private static Map<String, Claim> claims(List<SchedulerModel> schedulers, List<ChangeSourceModel> changeSources) {
        Map<String, Claim> claims = new LinkedHashMap<>();
        for (SchedulerModel s : schedulers) {
            claims.put(
                    "schedulers/" + s.id(),
                    new Claim("schedulers", "schedulerid", s.id(), s.name(), owner(s.masterId())));
        }
        for (ChangeSourceModel c : changeSources) {
            claims.put(
                    "changesources/" + c.id(),
                    new Claim("changesources", "changesourceid", c.id(), c.name(), owner(c.masterId())));
        }
        return claims;
    }

    private static long owner(@Nullable Long masterId) {
        return masterId == null ? -1 : masterId;
    }

    private void announce(long id, String name, boolean active) {
        announced.put(id, active);
        sink.accept(stateEvent(id, name, active));
    }

    private static ClusterEvent stateEvent(long id, String name, boolean active) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("active", active);
        message.put("masterid", id);
        message.put("name", name);
        return ClusterEvent.of("masters", id, active ? "started" : "stopped", message);
    }

    /** A claim as last seen. */
    private record Claim(String resource, String idField, long id, String name, long masterId) {
        ClusterEvent event(String type) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put(idField, id);
            message.put("masterid", masterId);
            message.put("name", name);
            return ClusterEvent.of(resource, id, type, message);
        }
    }
}
