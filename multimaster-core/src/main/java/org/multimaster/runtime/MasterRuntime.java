package org.multimaster.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.AlreadyClaimedException;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.TimeSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one master's lifecycle on a shared database, as SPEC §5 describes it.
 *
 * <p>{@link #start()}:
 *
 * <ol>
 *   <li>find this master's id by name;
 *   <li>mark it stopped: if it was still marked active (it crashed), this cleans its stale links and
 *       runs its housekeeping;
 *   <li>expire silent peers, with housekeeping (see {@link Expiry});
 *   <li>claim the configured schedulers and change sources that are free;
 *   <li>mark itself active (event {@code started});
 *   <li>start the heartbeat thread.
 * </ol>
 *
 * <p>Each {@link #heartbeat()}: check in ({@code setMasterState(self, true)}); if that reports a
 * change although this master believed it was active, a peer declared it dead: its claims are
 * treated as lost. Then expire peers, drop claims the database no longer shows, and claim again
 * what is free. When check-ins keep failing for the expiry minus one interval, the owned
 * components are stopped before any peer may take them over; they are claimed again once the
 * database is back.
 *
 * <p>{@link #close()}: stop the heartbeat, stop the owned components, mark this master stopped
 * (which releases its claims). Idempotent.
 *
 * <p>Thread-safe: heartbeats run one at a time, whether from the heartbeat thread or from
 * {@link #heartbeat()} called directly (as tests with a fake clock do).
 */
public final class MasterRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MasterRuntime.class);
    private static final int SKEW_CHECK_EVERY = 10;

    private final DbConnector db;
    private final MastersConnector masters;
    private final String name;
    private final Duration interval;
    private final Duration expiry;
    private final Clock clock;
    private final boolean autoHeartbeat;
    private final Set<Component> configured;
    private final List<Consumer<MasterEvent>> subscribers;
    private final List<ClaimListener> claimListeners;
    private final Expiry expirer;

    private final Object lock = new Object();
    private final Set<Component> owned = ConcurrentHashMap.newKeySet();
    private final Map<Component, Long> componentIds = new ConcurrentHashMap<>();
    private final Map<Component, Long> blockedBy = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private @Nullable ScheduledExecutorService heartbeatThread;

    private volatile long masterId = -1;
    private volatile boolean believedActive;
    private @Nullable Instant lastCheckIn;
    private @Nullable Instant outageSince;
    private boolean componentsStoppedForOutage;
    private int ticks;

    private MasterRuntime(Builder b) {
        this.db = b.db;
        this.masters = b.db.masters();
        this.name = Objects.requireNonNull(b.name, "name");
        this.interval = b.interval;
        this.expiry = b.expiry;
        this.clock = b.clock == null ? b.db.clock() : b.clock;
        this.autoHeartbeat = b.autoHeartbeat;
        this.configured = Set.copyOf(b.components);
        this.subscribers = new CopyOnWriteArrayList<>(b.subscribers);
        this.claimListeners = List.copyOf(b.claimListeners);
        this.expirer = new Expiry(masters, expiry, interval, b.housekeeping, this::publish);
    }

    /**
     * Returns a builder for a runtime on {@code db}.
     *
     * @param db the open connector; the runtime does not close it
     */
    public static Builder builder(DbConnector db) {
        return new Builder(Objects.requireNonNull(db, "db"));
    }

    /**
     * Runs the startup steps and starts the heartbeat thread.
     *
     * @throws IllegalStateException if already started or closed
     * @throws MultimasterException if the database fails during startup
     */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("master runtime '" + name + "' was already started");
        }
        synchronized (lock) {
            masterId = expirer.await(masters.findMasterId(name));
            log.info("master '{}' has id {}", name, masterId);
            MasterModel before = expirer.await(masters.getMaster(masterId)).orElseThrow();
            log.info("master {} ('{}'): marking itself stopped to clear what a crash may have left", masterId, name);
            if (expirer.await(masters.setMasterState(masterId, false))) {
                log.warn(
                        "master {} ('{}') was still marked active: it did not shut down cleanly; its stale claims"
                                + " are released and its housekeeping runs now",
                        masterId,
                        name);
                expirer.housekeep(before);
            }
            log.info("master {} ('{}'): expiring peers silent for more than {}", masterId, name, expiry);
            List<MasterModel> expired = expirer.sweep(masterId);
            log.info(
                    "master {} ('{}'): {} peers expired; claiming {} components",
                    masterId,
                    name,
                    expired.size(),
                    configured.size());
            syncClaims();
            checkIn(clock.instant());
            log.info(
                    "master {} ('{}') started: heartbeat every {}, peers expire after {}, time from {}",
                    masterId,
                    name,
                    interval,
                    expiry,
                    db.timeSource() == TimeSource.DATABASE ? "the database" : "this host's clock");
            measureSkew();
        }
        if (autoHeartbeat) {
            ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread t = new Thread(runnable, "multimaster-heartbeat");
                t.setDaemon(true);
                return t;
            });
            heartbeatThread = thread;
            long millis = interval.toMillis();
            // The task never completes exceptionally (heartbeatSafely catches everything), and close()
            // stops it by shutting the executor down, so the returned future is not needed.
            var unused = thread.scheduleWithFixedDelay(this::heartbeatSafely, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Runs one heartbeat now: check in, expire peers, reconcile and renew claims. Never throws for a
     * database failure: that is logged (once per outage) and retried at the next heartbeat.
     *
     * @throws IllegalStateException if the runtime has not been started
     */
    public void heartbeat() {
        if (!started.get()) {
            throw new IllegalStateException("master runtime '" + name + "' has not been started");
        }
        synchronized (lock) {
            if (closed.get()) {
                return;
            }
            Instant now = clock.instant();
            try {
                checkIn(now);
            } catch (MultimasterException e) {
                checkInFailed(now, e);
                return;
            }
            try {
                expirePeers();
                syncClaims();
                if (++ticks % SKEW_CHECK_EVERY == 0) {
                    measureSkew();
                }
            } catch (MultimasterException e) {
                log.warn("heartbeat of master {} ('{}') could not finish: {}", masterId, name, e.getMessage());
            }
        }
    }

    /** This master's id; -1 before {@link #start()}. */
    public long masterId() {
        return masterId;
    }

    /** This master's name. */
    public String name() {
        return name;
    }

    /** The components this master currently owns (a snapshot). */
    public Set<Component> ownedComponents() {
        return Set.copyOf(owned);
    }

    /** The components this master is configured to run. */
    public Set<Component> configuredComponents() {
        return configured;
    }

    /** Whether this master believes it is active (started, not closed, not declared dead). */
    public boolean isActive() {
        return believedActive && !closed.get();
    }

    /** Adds a subscriber to {@code started} / {@code stopped} events of any master this runtime sees. */
    public void subscribe(Consumer<MasterEvent> subscriber) {
        subscribers.add(Objects.requireNonNull(subscriber, "subscriber"));
    }

    /** Stops the heartbeat, stops the owned components and marks this master stopped. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledExecutorService thread = heartbeatThread;
        if (thread != null) {
            thread.shutdown();
            try {
                if (!thread.awaitTermination(interval.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                    thread.shutdownNow();
                }
            } catch (InterruptedException e) {
                thread.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            if (masterId < 0) {
                return;
            }
            loseAll("master is shutting down");
            try {
                if (expirer.await(masters.setMasterState(masterId, false))) {
                    publish(new MasterEvent(MasterEvent.Type.STOPPED, masterId, name, false));
                }
                believedActive = false;
                log.info("master {} ('{}') stopped", masterId, name);
            } catch (MultimasterException e) {
                log.warn(
                        "master {} ('{}') could not mark itself stopped ({}); peers will expire it after {}",
                        masterId,
                        name,
                        e.getMessage(),
                        expiry);
            }
        }
    }

    private void heartbeatSafely() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            // The schedule must survive anything; a failure here is a bug, not an outage.
            log.error("unexpected failure in the heartbeat of master {} ('{}')", masterId, name, e);
        }
    }

    private void checkIn(Instant now) {
        boolean changed = expirer.await(masters.setMasterState(masterId, true));
        if (outageSince != null) {
            log.info(
                    "master {} ('{}') checked in again: the database is back after {}",
                    masterId,
                    name,
                    Duration.between(outageSince, now));
            outageSince = null;
        }
        lastCheckIn = now;
        componentsStoppedForOutage = false;
        if (changed) {
            if (believedActive) {
                log.warn(
                        "master {} ('{}') was marked inactive by a peer although it is running (a pause longer"
                                + " than {}?); its claims are lost, it claims again what is free",
                        masterId,
                        name,
                        expiry);
                loseAll("a peer declared this master dead");
            }
            publish(new MasterEvent(MasterEvent.Type.STARTED, masterId, name, true));
        }
        believedActive = true;
    }

    private void checkInFailed(Instant now, MultimasterException e) {
        if (outageSince == null) {
            outageSince = now;
            log.warn(
                    "master {} ('{}') cannot check in: {}; retrying every {}",
                    masterId,
                    name,
                    e.getMessage(),
                    interval);
        } else {
            log.debug("check-in still failing", e);
        }
        Instant since = lastCheckIn == null ? outageSince : lastCheckIn;
        // Peers may expire this master once its last check-in is more than the expiry old; stop
        // one interval before that, so no component ever runs on two masters at once.
        if (!componentsStoppedForOutage && Duration.between(since, now).compareTo(expiry.minus(interval)) >= 0) {
            componentsStoppedForOutage = true;
            if (!owned.isEmpty()) {
                log.warn(
                        "master {} ('{}') has not checked in for {}: stopping its {} components before peers"
                                + " may take them over",
                        masterId,
                        name,
                        Duration.between(since, now),
                        owned.size());
            }
            loseAll("this master could not check in for " + Duration.between(since, now));
        }
    }

    private void expirePeers() {
        expirer.sweep(masterId);
    }

    /** Drops claims the database no longer shows, then claims every configured component that is free. */
    private void syncClaims() {
        if (configured.isEmpty()) {
            return;
        }
        Set<String> schedulers = expirer.await(db.schedulers().getSchedulers(true, masterId)).stream()
                .map(s -> s.name())
                .collect(Collectors.toSet());
        Set<String> changeSources = expirer.await(db.changeSources().getChangeSources(true, masterId)).stream()
                .map(c -> c.name())
                .collect(Collectors.toSet());
        for (Component component : new ArrayList<>(owned)) {
            Set<String> inDatabase = component.kind() == Component.Kind.SCHEDULER ? schedulers : changeSources;
            if (!inDatabase.contains(component.name())) {
                lose(component, "its claim is gone from the database");
            }
        }
        for (Component component : configured) {
            if (!owned.contains(component)) {
                tryClaim(component);
            }
        }
    }

    private void tryClaim(Component component) {
        long id = componentIds.computeIfAbsent(
                component,
                c -> expirer.await(
                        c.kind() == Component.Kind.SCHEDULER
                                ? db.schedulers().findSchedulerId(c.name())
                                : db.changeSources().findChangeSourceId(c.name())));
        try {
            expirer.await(
                    component.kind() == Component.Kind.SCHEDULER
                            ? db.schedulers().setSchedulerMaster(id, masterId)
                            : db.changeSources().setChangeSourceMaster(id, masterId));
        } catch (AlreadyClaimedException e) {
            Long previous = blockedBy.put(component, e.ownerId());
            if (previous == null || previous != e.ownerId()) {
                log.info(
                        "{} is run by master {} ('{}'); retrying at each heartbeat",
                        component,
                        e.ownerId(),
                        e.ownerName());
            }
            return;
        }
        blockedBy.remove(component);
        owned.add(component);
        log.info("master {} ('{}') claimed {}", masterId, name, component);
        for (ClaimListener listener : claimListeners) {
            try {
                listener.claimed(component);
            } catch (RuntimeException ex) {
                log.error("claim listener {} failed for {}", listener, component, ex);
            }
        }
    }

    private void loseAll(String reason) {
        for (Component component : new LinkedHashSet<>(owned)) {
            lose(component, reason);
        }
    }

    private void lose(Component component, String reason) {
        if (!owned.remove(component)) {
            return;
        }
        if (closed.get()) {
            log.info("master {} ('{}') released {}: {}", masterId, name, component, reason);
        } else {
            log.warn("master {} ('{}') lost {}: {}", masterId, name, component, reason);
        }
        for (ClaimListener listener : claimListeners) {
            try {
                listener.lost(component, reason);
            } catch (RuntimeException e) {
                log.error("claim listener {} failed for {}", listener, component, e);
            }
        }
    }

    private void measureSkew() {
        try {
            Instant database = expirer.await(db.databaseNow());
            long skew = Duration.between(clock.instant(), database).toSeconds();
            // Both readings have whole-second resolution, so 1 s of difference is noise.
            if (Math.abs(skew) > 1
                    && Math.abs(skew) >= interval.toSeconds()
                    && db.timeSource() == TimeSource.APPLICATION) {
                log.warn(
                        "this host's clock and the database's differ by {} s; hosts whose clocks disagree can expire"
                                + " live masters: fix the clocks or run with --clock database",
                        skew);
            } else {
                log.info(
                        "clock skew between this host and the database: {} s{}",
                        skew,
                        db.timeSource() == TimeSource.DATABASE ? " (not used: time comes from the database)" : "");
            }
        } catch (MultimasterException e) {
            log.debug("could not measure the clock skew", e);
        }
    }

    private void publish(MasterEvent event) {
        for (Consumer<MasterEvent> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                log.error("event subscriber {} failed for {}", subscriber, event, e);
            }
        }
    }

    /** Configures a {@link MasterRuntime}. Not thread-safe. */
    public static final class Builder {

        /** Buildbot's check-in interval. */
        public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(60);
        /** Buildbot's expiry. */
        public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(10);

        private final DbConnector db;
        private @Nullable String name;
        private Duration interval = DEFAULT_HEARTBEAT;
        private Duration expiry = DEFAULT_EXPIRY;
        private @Nullable Clock clock;
        private boolean autoHeartbeat = true;
        private final Set<Component> components = new LinkedHashSet<>();
        private final List<HousekeepingListener> housekeeping = new ArrayList<>();
        private final List<Consumer<MasterEvent>> subscribers = new ArrayList<>();
        private final List<ClaimListener> claimListeners = new ArrayList<>();

        private Builder(DbConnector db) {
            this.db = db;
        }

        /** Sets the master's name, usually {@code hostname:basedir}; required. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("master name must not be blank; pass --name NAME");
            }
            this.name = name;
            return this;
        }

        /** Sets the check-in interval; default 60 s. */
        public Builder heartbeatInterval(Duration interval) {
            this.interval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Sets how long a master may go without checking in before peers expire it; default 10 min. */
        public Builder expiry(Duration expiry) {
            this.expiry = Objects.requireNonNull(expiry, "expiry");
            return this;
        }

        /** Sets the clock that times outages; default the connector's clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets whether {@link #start()} starts a heartbeat thread (default true). Without it, the
         * embedder calls {@link MasterRuntime#heartbeat()}, e.g. a test with a fake clock.
         */
        public Builder autoHeartbeat(boolean autoHeartbeat) {
            this.autoHeartbeat = autoHeartbeat;
            return this;
        }

        /** Adds schedulers this master should run. */
        public Builder schedulers(Collection<String> names) {
            names.forEach(n -> components.add(Component.scheduler(n)));
            return this;
        }

        /** Adds change sources this master should run. */
        public Builder changeSources(Collection<String> names) {
            names.forEach(n -> components.add(Component.changeSource(n)));
            return this;
        }

        /** Adds a housekeeping listener. */
        public Builder housekeeping(HousekeepingListener listener) {
            housekeeping.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Adds a subscriber to {@code started} / {@code stopped} events. */
        public Builder events(Consumer<MasterEvent> subscriber) {
            subscribers.add(Objects.requireNonNull(subscriber, "subscriber"));
            return this;
        }

        /** Adds a listener told when this master claims or loses a component. */
        public Builder claims(ClaimListener listener) {
            claimListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Checks that a heartbeat interval and an expiry can work together: both positive, and the
         * expiry more than twice the interval, so that one missed check-in does not expire a master.
         *
         * @throws IllegalArgumentException saying what to change
         */
        public static void checkTiming(Duration interval, Duration expiry) {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(expiry, "expiry");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(
                        "heartbeat interval " + interval + " must be positive; raise --heartbeat");
            }
            if (expiry.isNegative() || expiry.isZero()) {
                throw new IllegalArgumentException("expiry " + expiry + " must be positive; raise --expire");
            }
            if (expiry.compareTo(interval.multipliedBy(2)) <= 0) {
                throw new IllegalArgumentException("expiry " + expiry
                        + " must be more than twice the heartbeat interval "
                        + interval + ", or a master that misses one check-in is expired; lower --heartbeat or raise"
                        + " --expire");
            }
        }

        /**
         * Returns the runtime, not yet started.
         *
         * @throws IllegalArgumentException if the name is missing, or the interval or expiry cannot
         *     work: both must be positive, and the expiry more than twice the interval
         */
        public MasterRuntime build() {
            if (name == null) {
                throw new IllegalArgumentException("master name is required; pass --name NAME");
            }
            checkTiming(interval, expiry);
            return new MasterRuntime(this);
        }
    }
}
