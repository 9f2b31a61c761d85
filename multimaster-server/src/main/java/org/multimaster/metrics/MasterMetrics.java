package org.multimaster.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.MasterModel;
import org.multimaster.http.Health;
import org.multimaster.runtime.Component;
import org.multimaster.runtime.MasterRuntime;

/**
 * The running master's meters beyond its check-ins, fed by the runtime's listeners:
 * {@code multimaster_expired_masters_total} (peers this master expired),
 * {@code multimaster_housekeeping_runs_total} (every housekeeping this process ran: expired
 * peers, its own crash, operators' deactivations), {@code multimaster_claims_held} (tagged
 * {@code kind=scheduler|changesource}) and {@code multimaster_master_active}; and its health.
 *
 * <p>Thread-safe.
 */
public final class MasterMetrics {

    private final MeterRegistry registry;
    private final CheckInMeter checkIns;
    private final Clock clock;
    private final Counter expired;
    private final Counter housekeeping;
    private volatile @Nullable MasterRuntime runtime;
    private volatile Duration interval = Duration.ofSeconds(60);

    public MasterMetrics(MeterRegistry registry, CheckInMeter checkIns, Clock clock) {
        this.registry = registry;
        this.checkIns = checkIns;
        this.clock = clock;
        this.expired = Counter.builder("multimaster.expired.masters")
                .description("peers this master expired (and housekept)")
                .register(registry);
        this.housekeeping = Counter.builder("multimaster.housekeeping.runs")
                .description("housekeeping runs of this process")
                .register(registry);
    }

    /** Watches a runtime: its claims and state become gauges, its check-ins its health. */
    public void bind(MasterRuntime runtime, Duration interval) {
        this.runtime = runtime;
        this.interval = interval;
        for (Component.Kind kind : Component.Kind.values()) {
            Gauge.builder(
                            "multimaster.claims.held",
                            runtime,
                            r -> r.ownedComponents().stream()
                                    .filter(c -> c.kind() == kind)
                                    .count())
                    .description("schedulers and change sources this master runs")
                    .tag("kind", kind == Component.Kind.SCHEDULER ? "scheduler" : "changesource")
                    .register(registry);
        }
        Gauge.builder("multimaster.master.active", runtime, r -> r.isActive() ? 1 : 0)
                .description("1 while this master believes it is active")
                .register(registry);
    }

    /** For the runtime's housekeeping listener: a peer expired, or this master's own crash cleaned up. */
    public void expired(MasterModel master) {
        housekeeping.increment();
        MasterRuntime bound = runtime;
        if (bound == null || master.id() != bound.masterId()) {
            expired.increment();
        }
    }

    /** For housekeeping that an operator's deactivation caused. */
    public void housekept(MasterModel master) {
        housekeeping.increment();
    }

    /**
     * Healthy when the last check-in succeeded within one interval (plus a tenth of it, at least
     * one second, for the check-in itself and the rest of the heartbeat).
     */
    public Health health() {
        MasterRuntime bound = runtime;
        if (bound == null) {
            return new Health(false, "the master has not started");
        }
        if (checkIns.consecutiveFailures() > 0) {
            return new Health(
                    false,
                    "the last " + checkIns.consecutiveFailures() + " check-ins failed: "
                            + checkIns.lastFailure().orElse("unknown"));
        }
        Optional<Instant> last = checkIns.lastSuccess();
        if (last.isEmpty()) {
            return new Health(false, "the master has not checked in yet");
        }
        Duration age = Duration.between(last.get(), clock.instant());
        Duration tolerance = interval.dividedBy(10).compareTo(Duration.ofSeconds(1)) > 0
                ? interval.dividedBy(10)
                : Duration.ofSeconds(1);
        if (age.compareTo(interval.plus(tolerance)) > 0) {
            return new Health(
                    false,
                    "the last check-in succeeded " + age.toMillis() + " ms ago, more than one interval (" + interval
                            + ")");
        }
        if (!bound.isActive()) {
            return new Health(false, "master " + bound.masterId() + " is not active");
        }
        return new Health(
                true,
                "master " + bound.masterId() + " ('" + bound.name() + "') checked in " + age.toMillis()
                        + " ms ago (interval " + interval + ")");
    }
}
