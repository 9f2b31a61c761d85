package org.multimaster.bench.jmh;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.multimaster.bench.Operation;
import org.multimaster.bench.Workload;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import org.multimaster.db.ListResult;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.ResultSpec.Operator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every {@link MastersConnector} method, called as a master calls it (waiting for the future), on
 * a scratch database holding {@code masters} active masters. Run with
 * {@code java -jar multimaster-bench/target/benchmarks.jar}; {@code -p db=postgresql} picks one
 * database, {@code -t 8} runs eight callers.
 *
 * <p>Each trial seeds the database afresh; the calls cycle through the masters, so writes never
 * pile up on one row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MastersConnectorBenchmark {

    private static final ResultSpec ACTIVE_PAGE = ResultSpec.builder()
            .filter("active", Operator.EQ, true)
            .order("-last_active")
            .limit(50L)
            .build();

    @Param({"sqlite", "postgresql", "mariadb"})
    public String db = "sqlite";

    @Param({"1000"})
    public int masters = 1000;

    private DbConnector connector;
    private Workload workload;
    private MastersConnector connectorMasters;
    private List<Long> ids = List.of();
    private List<String> names = List.of();
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicLong fresh = new AtomicLong();

    /** Opens the connector and seeds the masters. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        String url = ScratchDatabase.url(db);
        connector = DbConnector.builder().url(url).poolSize(8).open();
        connectorMasters = connector.masters();
        workload = Workload.open(DatabaseUrl.parse(url), Clock.systemUTC());
        workload.seed(masters, 0, 0);
        ids = workload.activeIds();
        names = workload.activeNames();
    }

    /** Deletes the masters {@link #findMasterIdNew} registered. */
    @TearDown(Level.Iteration)
    public void forgetNewNames() throws Exception {
        workload.reset(Operation.FIND_NEW);
    }

    /** Deletes every row the benchmark wrote and closes the connector. */
    @TearDown(Level.Trial)
    public void close() throws Exception {
        workload.wipe();
        workload.close();
        connector.close();
    }

    private int next() {
        return (int) (cursor.getAndIncrement() % ids.size());
    }

    @Benchmark
    public long findMasterIdExisting() {
        return connectorMasters.findMasterId(names.get(next())).join();
    }

    @Benchmark
    public long findMasterIdNew() {
        return connectorMasters
                .findMasterId(Workload.PREFIX + "new-jmh-" + fresh.incrementAndGet())
                .join();
    }

    @Benchmark
    public boolean checkIn() {
        return connectorMasters.setMasterState(ids.get(next()), true).join();
    }

    /** A deactivation and the activation that undoes it: two calls. */
    @Benchmark
    public boolean deactivateThenActivate() {
        long id = ids.get(next());
        return connectorMasters.setMasterState(id, false).join()
                & connectorMasters.setMasterState(id, true).join();
    }

    @Benchmark
    public Optional<MasterModel> getMaster() {
        return connectorMasters.getMaster(ids.get(next())).join();
    }

    @Benchmark
    public List<MasterModel> getMasters() {
        return connectorMasters.getMasters().join();
    }

    @Benchmark
    public ListResult<MasterModel> getMastersPage() {
        return connectorMasters.getMasters(ACTIVE_PAGE).join();
    }

    @Benchmark
    public List<MasterModel> getExpiredMasters() {
        return connectorMasters.getExpiredMasters(Duration.ofMinutes(10)).join();
    }

    @Benchmark
    public List<MasterModel> pruneMasters() {
        return connectorMasters.pruneMasters(Duration.ofDays(365)).join();
    }

    @Benchmark
    public void setAllMastersActiveLongTimeAgo() {
        connectorMasters.setAllMastersActiveLongTimeAgo().join();
    }
}
