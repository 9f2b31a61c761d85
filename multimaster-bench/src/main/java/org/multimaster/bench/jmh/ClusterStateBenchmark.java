package org.multimaster.bench.jmh;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.multimaster.bench.Workload;
import org.multimaster.db.ClusterPoll;
import org.multimaster.db.ClusterState;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
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
 * What the HTTP side's cluster watcher reads every poll (2 s by default) whether anyone watches or
 * not, on a registry of 100 live masters beside many dead ones: {@code clusterState()}, every master,
 * which it read at every poll until 2026-12-07 and still reads at its first poll, after a change a
 * poll cannot account for and once a minute; and {@code clusterPoll(id)}, the active masters, those
 * after the highest id known and the count of all, which it reads at the other polls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClusterStateBenchmark {

    @Param({"sqlite", "postgresql", "mariadb"})
    public String db = "sqlite";

    @Param({"10000", "100000"})
    public int dead = 10_000;

    private Workload workload;
    private DbConnector api;
    private long highestId;

    /** Seeds 100 active masters and {@code dead} dead ones; opens a connector shaped as the daemon's API one. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        String url = ScratchDatabase.url(db);
        api = DbConnector.builder().url(url).poolSize(2).open();
        workload = Workload.open(DatabaseUrl.parse(url), Clock.systemUTC());
        workload.seed(100, dead, 0);
        highestId = api.clusterState().join().masters().stream()
                .mapToLong(MasterModel::id)
                .max()
                .orElse(0);
    }

    /** Deletes the masters, closes everything. */
    @TearDown(Level.Trial)
    public void close() throws Exception {
        api.close();
        workload.wipe();
        workload.close();
    }

    @Benchmark
    public ClusterState clusterState() {
        return api.clusterState().join();
    }

    @Benchmark
    public ClusterPoll clusterPoll() {
        return api.clusterPoll(highestId).join();
    }
}
