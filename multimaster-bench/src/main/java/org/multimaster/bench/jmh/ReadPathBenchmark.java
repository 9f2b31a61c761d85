package org.multimaster.bench.jmh;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.multimaster.bench.Workload;
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
 * Where a one-row read's time goes between the bare JDBC floor and {@code getMaster}: the floor's
 * statement on the calling thread; the same statement and connection handed to an executor shaped
 * as the connector's; and the connector itself with one pooled connection and with eight (its
 * default), whose database threads take a sequential caller's calls in turn, each on its own
 * connection. The differences, step by step, are the hand-off, the connector's own path (pool,
 * executor, model), and the rotation over connections.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReadPathBenchmark {

    private static final String SELECT = "SELECT id, name, active, last_active FROM masters WHERE id = ?";

    @Param({"sqlite", "postgresql", "mariadb"})
    public String db = "sqlite";

    private Workload workload;
    private Connection connection;
    private ExecutorService executor;
    private DbConnector onePooled;
    private DbConnector eightPooled;
    private List<Long> ids = List.of();
    private int next;

    /** Seeds 1,000 active masters; opens the connection, the executor and both connectors. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        String url = ScratchDatabase.url(db);
        onePooled = DbConnector.builder().url(url).poolSize(1).open();
        eightPooled = DbConnector.builder().url(url).poolSize(8).open();
        workload = Workload.open(DatabaseUrl.parse(url), Clock.systemUTC());
        workload.seed(1000, 0, 0);
        ids = workload.activeIds();
        connection = DriverManager.getConnection(url);
        executor = HandOff.executor(8);
    }

    /** Deletes the masters, closes everything. */
    @TearDown(Level.Trial)
    public void close() throws Exception {
        executor.shutdownNow();
        connection.close();
        workload.wipe();
        workload.close();
        onePooled.close();
        eightPooled.close();
    }

    /** The floor: the statement prepared and run on the calling thread, every column read. */
    @Benchmark
    public Optional<MasterModel> floor() throws SQLException {
        return read(ids.get(next++ % ids.size()));
    }

    /** The floor's statement on one connection, run by an executor of eight threads. */
    @Benchmark
    public Optional<MasterModel> floorHandedOff() {
        long id = ids.get(next++ % ids.size());
        return HandOff.submit(executor, () -> read(id)).join();
    }

    /** The connector with one pooled connection: one database thread. */
    @Benchmark
    public Optional<MasterModel> connectorOneConnection() {
        return onePooled.masters().getMaster(ids.get(next++ % ids.size())).join();
    }

    /** The connector as it is opened by default: eight threads, eight connections. */
    @Benchmark
    public Optional<MasterModel> connectorEightConnections() {
        return eightPooled.masters().getMaster(ids.get(next++ % ids.size())).join();
    }

    private Optional<MasterModel> read(long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT)) {
            select.setLong(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next()
                        ? Optional.of(new MasterModel(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getInt(3) != 0,
                                Instant.ofEpochSecond(rs.getLong(4))))
                        : Optional.empty();
            }
        }
    }
}
