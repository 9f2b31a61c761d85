package org.multimaster.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.Durations;
import org.multimaster.db.MasterModel;
import org.multimaster.http.Health;
import org.multimaster.runtime.Component;
import org.multimaster.runtime.MasterRuntime;
import org.multimaster.runtime.RuntimeStatus;

/**
 * The running master's meters and health, read from {@link MasterRuntime#status()} at each scrape:
 * {@code multimaster_heartbeat_seconds} (count and sum of check-ins),
 * {@code multimaster_heartbeat_failures_total}, {@code multimaster_heartbeat_consecutive_failures},
 * {@code multimaster_heartbeat_last_success_seconds} (epoch seconds),
 * {@code multimaster_expired_masters_total}, {@code multimaster_housekeeping_runs_total} (the
 * runtime's plus operators' deactivations over HTTP), {@code multimaster_claims_held{kind}} and
 * {@code multimaster_master_active}.
 *
 * <p>Thread-safe.
 */
public final class MasterMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicLong operatorHousekeeping = new AtomicLong();
    private volatile @Nullable MasterRuntime runtime;

    public MasterMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Watches a runtime: its status becomes meters and its health. */
    public void bind(MasterRuntime runtime) {
        this.runtime = runtime;
        FunctionTimer.builder(
                        "multimaster.heartbeat",
                        runtime,
                        r -> {
                            RuntimeStatus s = r.status();
                            return s.checkIns() + s.checkInFailures();
                        },
                        r -> r.status().checkInTime().toNanos(),
                        TimeUnit.NANOSECONDS)
                .description("check-ins of this master, succeeded or failed, and the time spent in them")
                .register(registry);
        FunctionCounter.builder(
                        "multimaster.heartbeat.failures",
                        runtime,
                        r -> r.status().checkInFailures())
                .description("check-ins that failed")
                .register(registry);
        Gauge.builder(
                        "multimaster.heartbeat.consecutive.failures",
                        runtime,
                        r -> r.status().consecutiveFailures())
                .description("check-ins that failed since the last that succeeded")
                .register(registry);
        Gauge.builder("multimaster.heartbeat.last.success", runtime, r -> {
                    Instant last = r.status().lastCheckIn();
                    return last == null ? Double.NaN : last.toEpochMilli() / 1000.0;
                })
                .description("when the last check-in that succeeded was sent, epoch seconds")
                .baseUnit("seconds")
                .register(registry);
        FunctionCounter.builder(
                        "multimaster.expired.masters", runtime, r -> r.status().expiredPeers())
                .description("silent peers this master expired")
                .register(registry);
        FunctionCounter.builder(
                        "multimaster.housekeeping.runs",
                        this,
                        m -> runtime.status().housekeepingRuns() + m.operatorHousekeeping.get())
                .description(
                        "housekeeping runs of this process: expired peers, its own crash, operators' deactivations")
                .register(registry);
        for (Component.Kind kind : Component.Kind.values()) {
            Gauge.builder(
                            "multimaster.claims.held",
                            runtime,
                            r -> r.status().owned().stream()
                                    .filter(c -> c.kind() == kind)
                                    .count())
                    .description("schedulers and change sources this master runs")
                    .tag("kind", kind == Component.Kind.SCHEDULER ? "scheduler" : "changesource")
                    .register(registry);
        }
        Gauge.builder("multimaster.master.active", runtime, r -> r.status().active() ? 1 : 0)
                .description("1 while this master believes it is active")
                .register(registry);
    }

    /** For housekeeping that an operator's deactivation over HTTP caused. */
    public void housekept(MasterModel master) {
        operatorHousekeeping.incrementAndGet();
    }

    /**
     * Healthy when the last check-in succeeded within one interval (plus a tenth of it, at least
     * one second, for the check-in itself and the rest of the heartbeat) and the master is active.
     */
    public Health health() {
        MasterRuntime bound = runtime;
        if (bound == null) {
            return new Health(false, "the master has not started");
        }
        RuntimeStatus status = bound.status();
        if (status.consecutiveFailures() > 0) {
            return new Health(false, "the last " + status.consecutiveFailures() + " check-ins failed");
        }
        Instant last = status.lastCheckIn();
        if (last == null) {
            return new Health(false, "the master has not checked in yet");
        }
        Duration interval = status.interval();
        Duration age = Duration.between(last, clock.instant());
        Duration tolerance = interval.dividedBy(10).compareTo(Duration.ofSeconds(1)) > 0
                ? interval.dividedBy(10)
                : Duration.ofSeconds(1);
        if (age.compareTo(interval.plus(tolerance)) > 0) {
            return new Health(
                    false,
                    "the last check-in succeeded " + age.toMillis() + " ms ago, more than one interval ("
                            + Durations.format(interval) + ")");
        }
        if (!status.active()) {
            return new Health(false, "master " + status.masterId() + " is not active");
        }
        return new Health(
                true,
                "master " + status.masterId() + " ('" + status.name() + "') checked in " + age.toMillis()
                        + " ms ago (interval " + Durations.format(interval) + ")");
    }
}
