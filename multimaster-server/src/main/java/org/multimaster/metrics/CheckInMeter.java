package org.multimaster.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ChangeSourcesConnector;
import org.multimaster.db.ClusterState;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import org.multimaster.db.ListResult;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.SchedulersConnector;
import org.multimaster.db.TimeSource;

/**
 * Times the running master's check-ins: a {@link DbConnector} that passes everything through and
 * records every {@code setMasterState(id, true)} (the runtime activates no master but its own, so
 * each is a check-in): how long it took, whether it failed (a failure or a call the runtime gave
 * up on), and when the last one succeeded.
 *
 * <p>Meters: {@code multimaster_heartbeat_seconds} (count and sum of check-ins, tagged
 * {@code outcome=success|failure}), {@code multimaster_heartbeat_failures_total},
 * {@code multimaster_heartbeat_consecutive_failures}, {@code multimaster_heartbeat_last_success_seconds}
 * (epoch seconds). Thread-safe.
 */
public final class CheckInMeter {

    private final Clock clock;
    private final Timer succeeded;
    private final Timer failedTimer;
    private final Counter failures;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicReference<@Nullable Instant> lastSuccess = new AtomicReference<>();
    private final AtomicReference<@Nullable String> lastFailure = new AtomicReference<>();

    /** Registers the heartbeat meters in {@code registry}. */
    public CheckInMeter(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        this.succeeded = Timer.builder("multimaster.heartbeat")
                .description("check-ins of this master (setMasterState(self, true))")
                .tag("outcome", "success")
                .register(registry);
        this.failedTimer = Timer.builder("multimaster.heartbeat")
                .description("check-ins of this master (setMasterState(self, true))")
                .tag("outcome", "failure")
                .register(registry);
        this.failures = Counter.builder("multimaster.heartbeat.failures")
                .description("check-ins that failed or did not complete in time")
                .register(registry);
        Gauge.builder("multimaster.heartbeat.consecutive.failures", consecutiveFailures, AtomicInteger::get)
                .description("check-ins that failed since the last that succeeded")
                .register(registry);
        Gauge.builder("multimaster.heartbeat.last.success", this, m -> {
                    Instant last = m.lastSuccess.get();
                    return last == null ? Double.NaN : last.toEpochMilli() / 1000.0;
                })
                .description("when the last check-in succeeded, epoch seconds")
                .baseUnit("seconds")
                .register(registry);
    }

    /** When the last check-in succeeded, if one has. */
    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess.get());
    }

    /** How many check-ins failed since the last success. */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** Why the last check-in failed, while the failures last. */
    public Optional<String> lastFailure() {
        return consecutiveFailures.get() == 0 ? Optional.empty() : Optional.ofNullable(lastFailure.get());
    }

    /** A connector that records the check-ins made through it; closing it closes {@code db}. */
    public DbConnector meter(DbConnector db) {
        return new Metered(db);
    }

    private CompletableFuture<Boolean> timed(CompletableFuture<Boolean> checkIn) {
        long start = System.nanoTime();
        checkIn.whenComplete((changed, error) -> {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (error == null) {
                succeeded.record(took);
                lastSuccess.set(clock.instant());
                consecutiveFailures.set(0);
            } else {
                failedTimer.record(took);
                failures.increment();
                lastFailure.set(
                        error instanceof java.util.concurrent.CancellationException
                                ? "the check-in did not complete in time"
                                : String.valueOf(
                                        error.getCause() != null
                                                ? error.getCause().getMessage()
                                                : error.getMessage()));
                consecutiveFailures.incrementAndGet();
            }
        });
        return checkIn;
    }

    private final class Metered implements DbConnector {
        private final DbConnector db;
        private final MastersConnector masters;

        Metered(DbConnector db) {
            this.db = db;
            this.masters = new MeteredMasters(db.masters());
        }

        @Override
        public MastersConnector masters() {
            return masters;
        }

        @Override
        public SchedulersConnector schedulers() {
            return db.schedulers();
        }

        @Override
        public ChangeSourcesConnector changeSources() {
            return db.changeSources();
        }

        @Override
        public TimeSource timeSource() {
            return db.timeSource();
        }

        @Override
        public CompletableFuture<ClusterState> clusterState() {
            return db.clusterState();
        }

        @Override
        public CompletableFuture<Instant> databaseNow() {
            return db.databaseNow();
        }

        @Override
        public DatabaseUrl url() {
            return db.url();
        }

        @Override
        public Clock clock() {
            return db.clock();
        }

        @Override
        public boolean isBuildbotSchema() {
            return db.isBuildbotSchema();
        }

        @Override
        public void close() {
            db.close();
        }
    }

    private final class MeteredMasters implements MastersConnector {
        private final MastersConnector masters;

        MeteredMasters(MastersConnector masters) {
            this.masters = masters;
        }

        @Override
        public CompletableFuture<Long> findMasterId(String name) {
            return masters.findMasterId(name);
        }

        @Override
        public CompletableFuture<Boolean> setMasterState(long masterId, boolean active) {
            CompletableFuture<Boolean> result = masters.setMasterState(masterId, active);
            return active ? timed(result) : result;
        }

        @Override
        public CompletableFuture<Optional<MasterModel>> getMaster(long masterId) {
            return masters.getMaster(masterId);
        }

        @Override
        public CompletableFuture<List<MasterModel>> getMasters() {
            return masters.getMasters();
        }

        @Override
        public CompletableFuture<ListResult<MasterModel>> getMasters(ResultSpec spec) {
            return masters.getMasters(spec);
        }

        @Override
        public CompletableFuture<Void> setAllMastersActiveLongTimeAgo() {
            return masters.setAllMastersActiveLongTimeAgo();
        }

        @Override
        public CompletableFuture<List<MasterModel>> getExpiredMasters(Duration expiry) {
            return masters.getExpiredMasters(expiry);
        }

        @Override
        public CompletableFuture<List<MasterModel>> pruneMasters(Duration inactiveFor) {
            return masters.pruneMasters(inactiveFor);
        }
    }
}
