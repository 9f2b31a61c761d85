package org.multimaster.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.TimeSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one master's lifecycle on a shared database, as SPEC §5 describes it, with the work split
 * so that nothing can make a check-in late.
 *
 * <p>{@link #start()}:
 *
 * <ol>
 *   <li>find this master's id by name;
 *   <li>mark it stopped: if it was still marked active (it crashed), this cleans its stale links,
 *       finishes its builds and runs its housekeeping;
 *   <li>expire silent peers, with housekeeping (see {@link Expiry});
 *   <li>check in, which marks it active (event {@code started});
 *   <li>only then claim the configured schedulers and change sources that are free: a component
 *       claimed by a master that is still inactive could be taken over by a peer at once, and run
 *       on both. If the database fails now, the master stays active and started, and claims
 *       them after a later check-in, as after any outage;
 *   <li>start the heartbeat.
 * </ol>
 *
 * <p>The heartbeat has three parts, each on a thread of its own:
 *
 * <ul>
 *   <li>check-ins, every interval, on the connector's lane reserved for them ({@link
 *       DbConnector#checkIns()}), sent without waiting for the answer; while one is on its way no
 *       other is sent. A check-in that reports a change although this master believed it was
 *       active means a peer declared it dead: its components are stopped and claimed again;
 *   <li>after each check-in that succeeded, the maintenance: expire silent peers, drop claims the
 *       database no longer shows, claim what is free ({@link Claims});
 *   <li>the outage fence ({@link OutageFence}): a timer set to one interval before peers may expire
 *       this master, counted from the last check-in that succeeded; if no check-in has succeeded
 *       by then, the components are stopped. They are claimed again once a check-in succeeds.
 * </ul>
 *
 * <p>Listeners and events are delivered by an {@link EventDispatcher}, in order, on a thread that
 * check-ins never wait for.
 *
 * <p>{@link #close()}: stop the heartbeat, stop the owned components, mark this master stopped on
 * the check-in lane (after any check-in still on its way, so none can mark it active again).
 * Idempotent.
 *
 * <p>Thread-safe. Without the heartbeat threads ({@code autoHeartbeat(false)}), {@link #heartbeat()}
 * runs one whole heartbeat synchronously, as tests with a fake clock do.
 */
public final class MasterRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MasterRuntime.class);
    private static final int SKEW_CHECK_EVERY = 10;
    private static final int REGISTRATION_ATTEMPTS = 3;
    /** How long after a whole second a check-in is sent; see {@link #scheduleTick}. */
    private static final Duration TICK_PHASE = Duration.ofMillis(20);

    private final DbConnector db;
    private final MastersConnector masters;
    private final String name;
    private final Duration interval;
    private final Duration expiry;
    private final Clock clock;
    private final boolean autoHeartbeat;
    private final List<Consumer<MasterEvent>> subscribers;
    private final EventDispatcher dispatcher = new EventDispatcher();
    private final Claims claims;
    private final OutageFence fence;
    private final CheckIns checkIns;
    private final Expiry expirer;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean maintenanceQueued = new AtomicBoolean();
    private final AtomicLong housekeepingRuns = new AtomicLong();
    private volatile long masterId = -1;
    private volatile boolean believedActive;

    /** Guards the threads and the skew below; never held while waiting for the database. */
    private final Object state = new Object();

    private @Nullable Duration clockSkew;
    private long maintenanceRuns;
    private @Nullable ScheduledExecutorService heartbeatThread;
    private @Nullable ExecutorService maintenanceThread;
    private @Nullable ScheduledFuture<?> fenceTimer;

    private MasterRuntime(Builder b) {
        this.db = b.db;
        this.masters = b.db.masters();
        this.name = Objects.requireNonNull(b.name, "name");
        this.interval = b.interval;
        this.expiry = b.expiry;
        this.clock = b.clock == null ? b.db.clock() : b.clock;
        this.autoHeartbeat = b.autoHeartbeat;
        this.subscribers = new CopyOnWriteArrayList<>(b.subscribers);
        this.claims = new Claims(db, name, b.components, b.claimListeners, dispatcher);
        this.fence = new OutageFence(expiry, interval);
        this.checkIns = new CheckIns(db::checkIns, name, interval, clock, this::checkedIn);
        List<HousekeepingListener> housekeeping = new ArrayList<>();
        housekeeping.add(master -> housekeepingRuns.incrementAndGet());
        housekeeping.addAll(b.housekeeping);
        this.expirer = new Expiry(
                masters, expiry, housekeeping, this::publishNow, task -> dispatcher.dispatch("housekeeping", task));
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
     * Runs the startup steps and starts the heartbeat.
     *
     * @throws IllegalStateException if already started or closed
     * @throws MultimasterException if the database fails before this master checked in; a failure
     *     after that, while it claims its components, is logged and left to the heartbeat
     */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("master runtime '" + name + "' was already started");
        }
        Duration timeout = startupTimeout();
        MasterModel before = register(timeout);
        masterId = before.id();
        claims.attach(masterId);
        checkIns.attach(masterId);
        log.info("master '{}' has id {}", name, masterId);
        log.info("master {} ('{}'): marking itself stopped to clear what a crash may have left", masterId, name);
        if (Await.await(masters.setMasterState(masterId, false), timeout)) {
            Duration silent = Duration.between(before.lastActive(), clock.instant());
            // A crash, or a second process started under the same name, which shares this master's
            // id and claims: from the row alone the two look alike while the other is still checking in.
            log.warn(
                    "master {} ('{}') was still marked active, last checked in {} ago: it did not shut down"
                            + " cleanly{}; its stale claims are released, its running builds end as RETRY, and its"
                            + " housekeeping runs now",
                    masterId,
                    name,
                    Durations.formatElapsed(silent.isNegative() ? Duration.ZERO : silent),
                    silent.compareTo(expiry) < 0
                            ? ", or another process runs it now under this name (if so, stop one of them or give"
                                    + " each its own name: they would share one master and its claims)"
                            : "");
            dispatcher.dispatch("housekeeping", () -> expirer.housekeep(before));
        }
        log.info("master {} ('{}'): expiring peers silent for more than {}", masterId, name, Durations.format(expiry));
        List<MasterModel> expired = Await.await(expirer.sweepAsync(masterId), timeout);
        log.info("master {} ('{}'): {} expired; checking in", masterId, name, count(expired.size(), "peer"));
        if (!Await.await(checkIns.send(), timeout)) {
            throw new MultimasterException(
                    "master " + masterId + " ('" + name + "') could not check in at startup; see the log above");
        }
        log.info(
                "master {} ('{}'): active; claiming {}",
                masterId,
                name,
                count(claims.configured().size(), "component"));
        try {
            claims.sync(this::mayRunComponents, timeout);
        } catch (MultimasterException e) {
            // Active by now, so an outage is the heartbeat's to handle, as one a minute later would be.
            log.warn(
                    "master {} ('{}') is active but could not claim its components at startup: {}; it claims what"
                            + " is free after its next check-in",
                    masterId,
                    name,
                    e.getMessage());
        }
        measureSkew(timeout);
        log.info(
                "master {} ('{}') started: heartbeat every {}, peers expire after {}, time from {}",
                masterId,
                name,
                Durations.format(interval),
                Durations.format(expiry),
                db.timeSource() == TimeSource.DATABASE ? "the database" : "this host's clock");
        if (autoHeartbeat) {
            startThreads();
        }
    }

    /** {@code n} and the noun, singular for one: {@code 1 peer}, {@code 0 peers}. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * Finds or creates this master's row and reads it. A row deleted between the two (an operator's
     * {@code prune --inactive-for 0s} can take a master the moment it registers, inactive as it is)
     * is registered again, up to {@value #REGISTRATION_ATTEMPTS} times.
     */
    private MasterModel register(Duration timeout) {
        for (int attempt = 1; ; attempt++) {
            long id = Await.await(masters.findMasterId(name), timeout);
            Optional<MasterModel> row = Await.await(masters.getMaster(id), timeout)
                    .filter(r -> r.name().equals(name));
            if (row.isPresent()) {
                return row.get();
            }
            if (attempt == REGISTRATION_ATTEMPTS) {
                throw new MultimasterException("master '" + name + "' was deleted from the database each time it"
                        + " registered (" + attempt + " times): something deletes inactive masters as they appear,"
                        + " such as 'multimaster prune --inactive-for 0s' in a loop; stop that and start again");
            }
            log.warn(
                    "master '{}' was deleted from the database as it registered (as id {}); registering again",
                    name,
                    id);
        }
    }

    /**
     * Runs one whole heartbeat now and waits for it: check in, then expire peers, reconcile and
     * renew claims, and deliver what that told the listeners; if the check-in does not succeed,
     * stop the components once the outage fence's deadline has come. A check-in still under way
     * from before is waited for first, and a new one sent after it. Never throws for a database
     * failure: that is logged (once per outage) and retried at the next heartbeat. Each wait for
     * the database lasts at most one interval; what is still under way then goes on and is followed
     * to its end.
     *
     * @throws IllegalStateException if the runtime has not been started
     */
    public void heartbeat() {
        if (!started.get()) {
            throw new IllegalStateException("master runtime '" + name + "' has not been started");
        }
        if (closed.get()) {
            return;
        }
        CompletableFuture<Boolean> underWay = checkIns.underWay();
        boolean lineFree = true;
        if (underWay != null) {
            succeededWithin(underWay, interval);
            lineFree = underWay.isDone();
        }
        boolean checkedIn = lineFree && succeededWithin(checkIns.send(), interval);
        if (checkedIn) {
            maintain(interval);
        } else {
            checkFence();
        }
        dispatcher.drain(interval.plusSeconds(5));
    }

    /** Whether the check-in succeeded within {@code timeout}; false if it failed or is still under way. */
    private static boolean succeededWithin(CompletableFuture<Boolean> checkIn, Duration timeout) {
        try {
            return Await.await(checkIn, timeout);
        } catch (MultimasterException e) {
            return false; // a failure was logged when it ended; one under way is reported when it ends
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
        return claims.owned();
    }

    /** The components this master is configured to run. */
    public Set<Component> configuredComponents() {
        return claims.configured();
    }

    /** Whether this master believes it is active (started, not closed, not declared dead). */
    public boolean isActive() {
        return believedActive && !closed.get();
    }

    /** A snapshot of this master's state and counters, for health checks and metrics. */
    public RuntimeStatus status() {
        Duration skew;
        synchronized (state) {
            skew = clockSkew;
        }
        return new RuntimeStatus(
                masterId,
                name,
                isActive(),
                fence.lastCheckIn(),
                interval,
                expiry,
                checkIns.succeeded(),
                checkIns.failed(),
                checkIns.consecutiveFailures(),
                checkIns.time(),
                expirer.expiredCount(),
                housekeepingRuns.get(),
                claims.owned(),
                skew);
    }

    /**
     * Waits until the listeners and subscribers have been told everything that happened so far;
     * for tests, which assert on what listeners saw.
     *
     * @return false if that took longer than {@code timeout}
     */
    boolean awaitListeners(Duration timeout) {
        return dispatcher.drain(timeout);
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
        stopThreads();
        if (masterId < 0) {
            dispatcher.close();
            return;
        }
        claims.loseAll("master is shutting down", true);
        try {
            // On the check-in lane: it runs after any check-in still under way, so that none can mark
            // this master active again once it is marked stopped.
            if (Await.await(db.checkIns().setMasterState(masterId, false), startupTimeout())) {
                publish(new MasterEvent(MasterEvent.Type.STOPPED, masterId, name, false));
            }
            log.info("master {} ('{}') stopped", masterId, name);
        } catch (MultimasterException e) {
            log.warn(
                    "master {} ('{}') could not mark itself stopped ({}); peers will expire it after {}",
                    masterId,
                    name,
                    e.getMessage(),
                    Durations.format(expiry));
        }
        believedActive = false;
        dispatcher.close();
    }

    // ------------------------------------------------------------------ check-ins

    /**
     * What a check-in that succeeded means: this master is active; if it was not (and believed it
     * was), a peer had declared it dead and its components must stop; the fence moves on.
     */
    private void checkedIn(Instant sentAt, boolean changed) {
        boolean wasActive = believedActive;
        believedActive = true;
        if (closed.get()) {
            return;
        }
        if (changed) {
            if (wasActive) {
                log.warn(
                        "master {} ('{}') was marked inactive by another process although it is running: by an"
                                + " operator, or by a peer that found it silent for longer than {} (a pause?); its"
                                + " components are stopped, it claims again what is free",
                        masterId,
                        name,
                        Durations.format(expiry));
                claims.loseAll("another process marked this master inactive", false);
            }
            publish(new MasterEvent(MasterEvent.Type.STARTED, masterId, name, true));
        }
        armFence(fence.checkedIn(sentAt, clock.instant()));
    }

    /** Whether this master may run components now: active, not closed, fence up. */
    private boolean mayRunComponents() {
        return believedActive && !closed.get() && fence.allowsAt(clock.instant());
    }

    /** Stops the components if the fence's deadline has come. */
    private void checkFence() {
        Instant now = clock.instant();
        if (fence.closesAt(now)) {
            Instant last = fence.lastCheckIn();
            String silent = Durations.formatElapsed(last == null ? Duration.ZERO : Duration.between(last, now));
            Set<Component> owned = claims.owned();
            if (!owned.isEmpty()) {
                log.warn(
                        "master {} ('{}') has not checked in for {}: stopping its {} one interval before peers may"
                                + " take {} over",
                        masterId,
                        name,
                        silent,
                        count(owned.size(), "component"),
                        owned.size() == 1 ? "it" : "them");
            }
            claims.loseAll("this master could not check in for " + silent, false);
        }
    }

    // ------------------------------------------------------------------ threads

    private void startThreads() {
        ScheduledExecutorService heartbeat =
                Executors.newSingleThreadScheduledExecutor(daemon("multimaster-heartbeat"));
        ExecutorService maintenance = Executors.newSingleThreadExecutor(daemon("multimaster-maintenance"));
        synchronized (state) {
            heartbeatThread = heartbeat;
            maintenanceThread = maintenance;
        }
        Instant deadline = fence.deadline();
        if (deadline != null) {
            armFence(deadline);
        }
        scheduleTick(heartbeat);
    }

    /**
     * Schedules the next beat one interval from now. When the interval is whole seconds, beats fall
     * just after a second begins: {@code last_active} records only the second, so a check-in sent
     * late in a second gives the outage fence almost a second less (see {@link OutageFence}), and
     * with a short expiry the fence would then fall between two check-ins that both succeed. Each
     * beat is placed by the runtime's clock from the time it ran, so the phase cannot drift away.
     */
    private void scheduleTick(ScheduledExecutorService heartbeat) {
        Instant now = clock.instant();
        Instant at = now.plus(interval);
        if (sentJustAfterASecond(interval)) {
            at = at.truncatedTo(ChronoUnit.SECONDS).plus(TICK_PHASE);
        }
        try {
            var unused = heartbeat.schedule(
                    () -> {
                        tick();
                        scheduleTick(heartbeat);
                    },
                    Duration.between(now, at).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: no more beats
        }
    }

    /** Whether beats of {@code interval} are sent just after a second begins: whole seconds are. */
    private static boolean sentJustAfterASecond(Duration interval) {
        return interval.toMillis() % 1000 == 0;
    }

    private void stopThreads() {
        ScheduledExecutorService heartbeat;
        ExecutorService maintenance;
        synchronized (state) {
            heartbeat = heartbeatThread;
            maintenance = maintenanceThread;
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (maintenance != null) {
            maintenance.shutdown();
            try {
                if (!maintenance.awaitTermination(interval.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                    maintenance.shutdownNow();
                }
            } catch (InterruptedException e) {
                maintenance.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One beat of the heartbeat thread: never blocks, so the fence timer on the same thread is never late. */
    private void tick() {
        try {
            if (closed.get()) {
                return;
            }
            checkFence();
            if (checkIns.stalled()) {
                return;
            }
            var unused = checkIns.send().thenAccept(succeeded -> {
                if (succeeded) {
                    queueMaintenance();
                }
            });
        } catch (RuntimeException e) {
            // The schedule must survive anything; a failure here is a bug, not an outage.
            log.error("unexpected failure in the heartbeat of master {} ('{}')", masterId, name, e);
        }
    }

    /** Sets the fence timer to {@code deadline}, replacing the one set before. */
    private void armFence(Instant deadline) {
        synchronized (state) {
            ScheduledExecutorService heartbeat = heartbeatThread;
            if (heartbeat == null || closed.get()) {
                return;
            }
            if (fenceTimer != null) {
                fenceTimer.cancel(false);
            }
            long delay = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
            fenceTimer = heartbeat.schedule(() -> fenceTimerFired(deadline), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void fenceTimerFired(Instant deadline) {
        try {
            checkFence();
            // The clock may run slower than the timer (it is only the runtime's clock): look again.
            if (clock.instant().isBefore(deadline)) {
                armFence(deadline);
            }
        } catch (RuntimeException e) {
            log.error("unexpected failure in the outage fence of master {} ('{}')", masterId, name, e);
        }
    }

    private void queueMaintenance() {
        ExecutorService maintenance;
        synchronized (state) {
            maintenance = maintenanceThread;
        }
        if (maintenance != null && maintenanceQueued.compareAndSet(false, true)) {
            try {
                maintenance.execute(() -> {
                    maintenanceQueued.set(false);
                    maintain(expiry);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                maintenanceQueued.set(false); // closing
            }
        }
    }

    /**
     * Registers this master again, under its name, if its row is gone: deleted while it ran (pruned
     * after a peer expired it during a pause, or by hand), its check-ins matched no row and changed
     * nothing, so peers could not see it and it could claim nothing. It gets an id again (on SQLite
     * maybe the same one), stops what it ran, and claims again after its next check-in, as a master
     * declared dead does. A row of another name under its id (SQLite reuses the highest id) is not
     * this master's either.
     */
    private void registerAgainIfDeleted(Duration timeout) {
        long old = masterId;
        if (Await.await(masters.getMaster(old), timeout)
                        .filter(row -> row.name().equals(name))
                        .isPresent()
                || closed.get()) {
            return;
        }
        believedActive = false;
        claims.loseAll("this master's row was deleted from the database", false);
        long id = Await.await(masters.findMasterId(name), timeout);
        masterId = id;
        claims.attach(id);
        checkIns.attach(id);
        log.warn(
                "master {} ('{}') was deleted from the database while it ran (by 'multimaster prune' after a peer"
                        + " expired it, or by hand): peers could not see it; it registers again as master {}",
                old,
                name,
                id);
        publish(new MasterEvent(MasterEvent.Type.STOPPED, old, name, false));
    }

    /**
     * Registers again if this master's row is gone, expires silent peers, then reconciles and
     * renews claims; waits at most {@code timeout} for each step.
     */
    private void maintain(Duration timeout) {
        if (closed.get()) {
            return;
        }
        try {
            registerAgainIfDeleted(timeout);
            try {
                Await.await(expirer.sweepAsync(masterId), timeout);
            } catch (MultimasterException e) {
                // Deactivations under way are followed to their end; claims need not wait for them.
                log.warn("master {} ('{}') could not expire its silent peers: {}", masterId, name, e.getMessage());
            }
            claims.sync(this::mayRunComponents, timeout);
            long runs;
            synchronized (state) {
                runs = ++maintenanceRuns;
            }
            if (runs % SKEW_CHECK_EVERY == 0) {
                measureSkew(timeout);
            }
        } catch (MultimasterException e) {
            log.warn("heartbeat of master {} ('{}') could not finish: {}", masterId, name, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ skew, events

    private void measureSkew(Duration timeout) {
        Duration previous;
        synchronized (state) {
            previous = clockSkew;
        }
        Duration skew = ClockSkew.measure(db, clock, interval, timeout, previous);
        if (skew != null) {
            synchronized (state) {
                clockSkew = skew;
            }
        }
    }

    /** Publishes an event through the dispatcher, after everything dispatched before it. */
    private void publish(MasterEvent event) {
        dispatcher.dispatch("event " + event, () -> publishNow(event));
    }

    /** Delivers an event on the calling thread (the dispatcher's). */
    private void publishNow(MasterEvent event) {
        for (Consumer<MasterEvent> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                log.error("event subscriber {} failed for {}", subscriber, event, e);
            }
        }
    }

    /** How long a startup or shutdown step may wait for the database. */
    private Duration startupTimeout() {
        Duration floor = Duration.ofSeconds(30);
        return interval.compareTo(floor) > 0 ? interval : floor;
    }

    private static java.util.concurrent.ThreadFactory daemon(String threadName) {
        return runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Configures a {@link MasterRuntime}. Not thread-safe. */
    public static final class Builder {

        /** Buildbot's check-in interval. */
        public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(60);
        /**
         * The shortest check-in interval: a check-in is a durable write (a commit's flush), and a
         * shorter interval would only queue them behind each other.
         */
        public static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);
        /** Buildbot's expiry. */
        public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(10);

        private final DbConnector db;
        private @Nullable String name;
        private Duration interval = DEFAULT_HEARTBEAT;
        private Duration expiry = DEFAULT_EXPIRY;
        private boolean forceShortExpiry;
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
            this.name = requireMasterName(name);
            return this;
        }

        private static String requireMasterName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("master name must not be blank; pass --name NAME");
            }
            return name;
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

        /**
         * Allows an expiry of {@link Expiry#LONGEST_UNSAFE_BESIDE_BUILDBOT} or less on a database that
         * Buildbot created (default false): only when no Buildbot master uses it, since Buildbot
         * masters check in every 60 s.
         */
        public Builder forceShortExpiry(boolean force) {
            this.forceShortExpiry = force;
            return this;
        }

        /** Sets the clock that times outages; default the connector's clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets whether {@link #start()} starts the heartbeat threads (default true). Without them, the
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
         * Checks that a heartbeat interval and an expiry can work together: both positive and at most
         * {@link Durations#LONGEST}, the interval at least {@link #MIN_HEARTBEAT}, and the expiry at
         * least twice the interval plus a second (two for an interval that is not whole seconds).
         * Twice the interval, so that one missed check-in does not expire a master; more because
         * {@code last_active} holds whole seconds: the outage fence falls one interval before peers may
         * expire the master, counted from the whole second of its last check-in, and the next check-in
         * must land before it even when the last was sent late in a second (which a beat of whole
         * seconds never is; see {@link #scheduleTick}).
         * With less, the fence falls before every check-in and the master stops and claims its
         * components again at every beat.
         *
         * @throws IllegalArgumentException saying what to change
         */
        public static void checkTiming(Duration interval, Duration expiry) {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(expiry, "expiry");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(
                        "heartbeat interval " + Durations.format(interval) + " must be positive; raise --heartbeat");
            }
            if (interval.compareTo(Durations.LONGEST) > 0) {
                throw new IllegalArgumentException("heartbeat interval " + Durations.format(interval)
                        + " is longer than the longest multimaster accepts, " + Durations.format(Durations.LONGEST)
                        + " (100 years); lower --heartbeat");
            }
            if (interval.compareTo(MIN_HEARTBEAT) < 0) {
                throw new IllegalArgumentException("heartbeat interval " + Durations.format(interval) + " is below "
                        + Durations.format(MIN_HEARTBEAT) + ": each check-in is a durable write to the shared"
                        + " database, and one that has not completed holds the next back; raise --heartbeat");
            }
            if (expiry.isNegative() || expiry.isZero()) {
                throw new IllegalArgumentException(
                        "expiry " + Durations.format(expiry) + " must be positive; raise --expire");
            }
            if (expiry.compareTo(Durations.LONGEST) > 0) {
                throw new IllegalArgumentException("expiry " + Durations.format(expiry)
                        + " is longer than the longest multimaster accepts, " + Durations.format(Durations.LONGEST)
                        + " (100 years, as good as never); lower --expire");
            }
            boolean aligned = sentJustAfterASecond(interval);
            Duration least = interval.multipliedBy(2).plusSeconds(aligned ? 1 : 2);
            if (expiry.compareTo(least) < 0) {
                throw new IllegalArgumentException("expiry " + Durations.format(expiry) + " must be at least "
                        + Durations.format(least) + ": twice the heartbeat interval " + Durations.format(interval)
                        + ", so that a master that misses one check-in is not expired, plus "
                        + (aligned
                                ? "a second, as last_active holds whole seconds"
                                : "two seconds, as last_active holds whole seconds and a check-in every "
                                        + Durations.format(interval) + " may be sent at any point of one")
                        + "; with less, a master that checks in on time stops its components at every beat;"
                        + " lower --heartbeat or raise --expire");
            }
        }

        /**
         * Checks a master's name and its components' names for a database of this kind, as registering
         * them would, without touching the database: a name it cannot store (too long for Buildbot's
         * columns on MySQL and MariaDB, NUL on PostgreSQL, an unpaired surrogate) would otherwise be
         * refused only when its component is claimed, after the master had registered, expired its
         * peers and checked in.
         *
         * @throws IllegalArgumentException saying which name cannot be stored and why
         */
        public static void checkNames(
                DatabaseKind kind, String name, Collection<String> schedulers, Collection<String> changeSources) {
            List<Component> components = new ArrayList<>();
            schedulers.forEach(n -> components.add(Component.scheduler(n)));
            changeSources.forEach(n -> components.add(Component.changeSource(n)));
            checkNames(kind, name, components);
        }

        private static void checkNames(DatabaseKind kind, String name, Collection<Component> components) {
            DbConnector.requireStorableName(kind, "master", requireMasterName(name));
            for (Component component : components) {
                DbConnector.requireStorableName(kind, component.kind().label(), component.name());
            }
        }

        /**
         * Returns the runtime, not yet started.
         *
         * @throws IllegalArgumentException if the name is missing, the interval or expiry cannot work
         *     (both must be positive and at most 100 years, and the expiry long enough; see {@link
         *     #checkTiming}), or the expiry would expire live Buildbot masters on a database that
         *     Buildbot created and is not forced
         */
        public MasterRuntime build() {
            if (name == null) {
                throw new IllegalArgumentException("master name is required; pass --name NAME");
            }
            checkTiming(interval, expiry);
            checkNames(db.url().kind(), name, components);
            Expiry.requireSafeBesideBuildbot(db, expiry, forceShortExpiry);
            return new MasterRuntime(this);
        }
    }
}
