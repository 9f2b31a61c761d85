package org.multimaster.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * One plain-JDBC statement on one connection, run on the calling thread against handed to a
 * database thread of an executor shaped as the connector's ({@code SqlExecutor}) and its future
 * joined: what the asynchronous API adds to a real round trip, a read or a durable write
 * (auto-commit, as the connector's check-in), on each database.
 *
 * <p>{@link HandoffBenchmark} measures the hand-off with no database and the call's wait simulated
 * by a timed sleep. A thread waiting for a database is woken instead by another thread (the
 * server's, writing the answer), possibly on the other processor, and a handed-off call adds two
 * such wake-ups to the one a direct call has. On Linux, {@link Interrupts} counts the processors'
 * wake-up interrupts (rescheduling and function-call IPIs, from {@code /proc/interrupts}) per call,
 * whatever process caused them, the database server's included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WakeUpBenchmark {

    private static final String TABLE = "wake_up_bench";
    private static final int ROWS = 1000;

    @Param({"sqlite", "postgresql", "mariadb"})
    public String db = "sqlite";

    /** {@code read}: one row by its key; {@code write}: one row's value set, committed on its own. */
    @Param({"read", "write"})
    public String statement = "read";

    private Connection connection;
    private PreparedStatement read;
    private PreparedStatement write;
    private ExecutorService executor;
    private int next;
    private long value;

    /**
     * The calls and the processors' wake-up interrupts of each iteration; JMH adds them up over the
     * iterations, so that their quotient is the interrupts per call. Where {@code /proc/interrupts}
     * cannot be read, the interrupts are -1 per iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Interrupts {
        public long calls;
        private long atStart;

        /** Starts counting. */
        @Setup(Level.Iteration)
        public void start() {
            calls = 0;
            atStart = wakeUpInterrupts();
        }

        /** The wake-up interrupts since the iteration started. */
        public long interrupts() {
            long now = wakeUpInterrupts();
            return now < 0 || atStart < 0 ? -1 : now - atStart;
        }
    }

    /** Creates the table and the executor. */
    @Setup(Level.Trial)
    public void open() throws SQLException {
        connection = DriverManager.getConnection(ScratchDatabase.url(db));
        try (Statement s = connection.createStatement()) {
            if (db.equals("sqlite")) {
                s.execute("PRAGMA journal_mode = WAL"); // as the connector's; synchronous stays FULL
            }
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, last_active BIGINT NOT NULL)");
        }
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO " + TABLE + " (id, last_active) VALUES (?, 0)")) {
            for (int i = 1; i <= ROWS; i++) {
                insert.setInt(1, i);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        read = connection.prepareStatement("SELECT last_active FROM " + TABLE + " WHERE id = ?");
        write = connection.prepareStatement("UPDATE " + TABLE + " SET last_active = ? WHERE id = ?");
        executor = HandOff.executor(8);
    }

    /** Drops the table, stops the executor. */
    @TearDown(Level.Trial)
    public void close() throws SQLException {
        executor.shutdownNow();
        read.close();
        write.close();
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE " + TABLE);
        }
        connection.close();
    }

    /** The statement on the calling thread: the floor's way. */
    @Benchmark
    public long direct(Interrupts interrupts) throws SQLException {
        interrupts.calls++;
        return run();
    }

    /** The statement on a database thread, its future joined: the connector's way. */
    @Benchmark
    public long handedOff(Interrupts interrupts) {
        interrupts.calls++;
        return handOff().join();
    }

    /**
     * As {@link #handedOff}, but the caller waits by spinning on the future instead of parking in
     * {@code join}: the database thread completes the future without waking anyone. The difference
     * to {@link #handedOff} is the cost of waking the caller; what is left over {@link #direct} is
     * the cost of waking the database thread.
     */
    @Benchmark
    public long handedOffCallerSpins(Interrupts interrupts) {
        interrupts.calls++;
        CompletableFuture<Long> future = handOff();
        while (!future.isDone()) {
            Thread.onSpinWait();
        }
        return future.join();
    }

    /** The statement handed to a database thread. */
    private CompletableFuture<Long> handOff() {
        return HandOff.submit(executor, this::run);
    }

    /** Runs the statement on the next row; one caller at a time. */
    private long run() throws SQLException {
        int id = next++ % ROWS + 1;
        if (statement.equals("write")) {
            write.setLong(1, ++value); // a new value each time: a write that changes nothing may be skipped
            write.setInt(2, id);
            return write.executeUpdate();
        }
        read.setInt(1, id);
        try (ResultSet rs = read.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /**
     * The rescheduling and function-call interrupts of every processor so far, or -1 where
     * {@code /proc/interrupts} cannot be read.
     */
    static long wakeUpInterrupts() {
        try {
            long total = 0;
            for (String line : Files.readAllLines(Path.of("/proc/interrupts"))) {
                String[] fields = line.trim().split("\\s+");
                if (fields[0].equals("RES:") || fields[0].equals("CAL:")) {
                    for (int i = 1; i < fields.length && fields[i].chars().allMatch(Character::isDigit); i++) {
                        total += Long.parseLong(fields[i]);
                    }
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
