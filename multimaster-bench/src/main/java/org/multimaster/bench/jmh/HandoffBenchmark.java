package org.multimaster.bench.jmh;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * What the asynchronous API costs by itself: a call handed to a database thread and its future
 * waited for, with no database behind it, against the same work done on the calling thread. The
 * executor is shaped as the connector's ({@code SqlExecutor}: a fixed pool of {@code threads} over
 * an unbounded {@link LinkedBlockingQueue}).
 *
 * <p>Between calls the caller works for {@code gapMicros} (the time a database round trip would
 * take), so that the database thread has gone back to sleep when the next call arrives, as it has
 * in every benchmark of a real operation: each call then pays for waking that thread and for being
 * woken by it. The difference of the two is the part of "connector / floor" that no SQL can remove.
 *
 * <p>The call itself sleeps for {@code waitMicros} (a timed park), standing in for the wait for a
 * database's answer. It is only a stand-in: the sleeping thread is woken by its own timer, where a
 * thread waiting in a socket read is woken by the server's thread, possibly from the other
 * processor. {@link WakeUpBenchmark} measures the hand-off around real statements; on writes it
 * found the hand-off far dearer than this benchmark does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandoffBenchmark {

    @Param({"8"})
    public int threads = 8;

    @Param({"0", "100"})
    public int gapMicros = 100;

    @Param({"0", "100", "300"})
    public int waitMicros = 0;

    private ExecutorService executor;

    /** Starts the database threads. */
    @Setup(Level.Trial)
    public void open() {
        executor = HandOff.executor(threads);
    }

    /** Stops them. */
    @TearDown(Level.Trial)
    public void close() {
        executor.shutdownNow();
    }

    /** The work on the calling thread: the floor's way. */
    @Benchmark
    public long direct() {
        long result = work(waitMicros);
        pause();
        return result;
    }

    /** The same work handed to a database thread, its future joined: the connector's way. */
    @Benchmark
    public long handedOff() {
        int wait = waitMicros;
        long result = CompletableFuture.supplyAsync(() -> work(wait), executor).join();
        pause();
        return result;
    }

    /** Sleeps for {@code waitMicros} (none for 0), then reads the clock. */
    private static long work(int waitMicros) {
        if (waitMicros > 0) {
            LockSupport.parkNanos(waitMicros * 1_000L);
        }
        return System.nanoTime();
    }

    /** Busy for {@code gapMicros}, as a caller waiting for the database's answer is not. */
    private void pause() {
        if (gapMicros > 0) {
            long until = System.nanoTime() + gapMicros * 1_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }
}
