package org.multimaster.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.multimaster.db.AlreadyClaimedException;
import org.multimaster.db.DbConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schedulers and change sources one master owns: claims them in the database when they are
 * free, drops those whose claim has gone from the database, and tells the claim listeners through
 * the dispatcher, in the order the changes happened.
 *
 * <p>Thread-safe. {@link #sync} runs on one thread at a time and does its database calls without
 * holding the lock; {@link #loseAll} may come from any thread at any moment, also while a sync
 * runs, and wins: a claim that sync was making when everything was lost is not announced (it stands
 * in the database, owned by this master, and the next sync takes it up from there).
 */
final class Claims {

    private static final Logger log = LoggerFactory.getLogger(Claims.class);

    private final DbConnector db;
    private final String name;
    private final Set<Component> configured;
    private final List<ClaimListener> listeners;
    private final EventDispatcher dispatcher;

    private final Object lock = new Object();
    private final Set<Component> owned = new LinkedHashSet<>();
    /** Counts the times everything was lost; a sync that saw another value must not announce. */
    private long epoch;

    private final Map<Component, Long> ids = new ConcurrentHashMap<>();
    private final Map<Component, Long> blockedBy = new ConcurrentHashMap<>();
    private volatile long masterId = -1;

    Claims(
            DbConnector db,
            String name,
            Set<Component> configured,
            List<ClaimListener> listeners,
            EventDispatcher dispatcher) {
        this.db = db;
        this.name = name;
        // Claimed in the order configured, so that listeners hear of them in that order.
        this.configured = Collections.unmodifiableSet(new LinkedHashSet<>(configured));
        this.listeners = List.copyOf(listeners);
        this.dispatcher = dispatcher;
    }

    /** Sets the id of the master that claims; before it, nothing is claimed. */
    void attach(long masterId) {
        this.masterId = masterId;
    }

    Set<Component> configured() {
        return configured;
    }

    Set<Component> owned() {
        synchronized (lock) {
            return Set.copyOf(owned);
        }
    }

    /**
     * Drops the claims the database no longer shows, then claims every configured component that
     * is free, as long as {@code mayClaim} holds.
     *
     * @param mayClaim whether this master may hold components now (it is active and not fenced);
     *     asked before each claim and again before announcing it
     * @param timeout how long to wait for each database call
     * @throws org.multimaster.db.MultimasterException if the database fails or is too slow
     */
    void sync(BooleanSupplier mayClaim, Duration timeout) {
        long self = masterId;
        if (configured.isEmpty() || self < 0) {
            return;
        }
        long epochAtStart;
        synchronized (lock) {
            epochAtStart = epoch;
        }
        Set<String> schedulers = Await.await(db.schedulers().getSchedulers(true, self), timeout).stream()
                .map(s -> s.name())
                .collect(Collectors.toSet());
        Set<String> changeSources = Await.await(db.changeSources().getChangeSources(true, self), timeout).stream()
                .map(c -> c.name())
                .collect(Collectors.toSet());
        synchronized (lock) {
            for (Component component : new ArrayList<>(owned)) {
                Set<String> inDatabase = component.kind() == Component.Kind.SCHEDULER ? schedulers : changeSources;
                if (!inDatabase.contains(component.name())) {
                    loseLocked(component, "its claim is gone from the database", false);
                }
            }
        }
        for (Component component : configured) {
            synchronized (lock) {
                if (owned.contains(component)) {
                    continue;
                }
            }
            if (!mayClaim.getAsBoolean() || !claimInDatabase(component, self, timeout)) {
                continue;
            }
            synchronized (lock) {
                if (epoch == epochAtStart && mayClaim.getAsBoolean() && owned.add(component)) {
                    log.info("master {} ('{}') claimed {}", self, name, component);
                    for (ClaimListener listener : listeners) {
                        dispatcher.dispatch(
                                "claim listener " + listener + " for " + component, () -> listener.claimed(component));
                    }
                }
            }
        }
    }

    /**
     * Stops every owned component.
     *
     * @param reason why, for the listeners and the log
     * @param closing whether the master is shutting down (logged as a release, not a loss)
     */
    void loseAll(String reason, boolean closing) {
        synchronized (lock) {
            epoch++;
            for (Component component : new ArrayList<>(owned)) {
                loseLocked(component, reason, closing);
            }
        }
    }

    private void loseLocked(Component component, String reason, boolean closing) {
        if (!owned.remove(component)) {
            return;
        }
        if (closing) {
            log.info("master {} ('{}') released {}: {}", masterId, name, component, reason);
        } else {
            log.warn("master {} ('{}') lost {}: {}", masterId, name, component, reason);
        }
        for (ClaimListener listener : listeners) {
            dispatcher.dispatch(
                    "claim listener " + listener + " for " + component, () -> listener.lost(component, reason));
        }
    }

    /** Claims the component in the database; false if an active master holds it. */
    private boolean claimInDatabase(Component component, long self, Duration timeout) {
        Long id = ids.get(component);
        if (id == null) {
            id = Await.await(
                    component.kind() == Component.Kind.SCHEDULER
                            ? db.schedulers().findSchedulerId(component.name())
                            : db.changeSources().findChangeSourceId(component.name()),
                    timeout);
            ids.put(component, id);
        }
        try {
            Await.await(
                    component.kind() == Component.Kind.SCHEDULER
                            ? db.schedulers().setSchedulerMaster(id, self)
                            : db.changeSources().setChangeSourceMaster(id, self),
                    timeout);
        } catch (AlreadyClaimedException e) {
            Long previous = blockedBy.put(component, e.ownerId());
            if (previous == null || previous != e.ownerId()) {
                log.info(
                        "{} is run by master {} ('{}'); retrying at each heartbeat",
                        component,
                        e.ownerId(),
                        e.ownerName());
            }
            return false;
        }
        blockedBy.remove(component);
        return true;
    }
}
