package org.multimaster.db;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * One of several processes racing on the same master, for the multi-process contract test.
 *
 * <p>Arguments: database URL, master name, number of threads. The process opens the database and
 * then runs three phases: all its threads register the name, then all activate the master, then
 * all deactivate it. Before each phase it prints {@code ready <phase>} and reads from standard
 * input the wall-clock instant (epoch milliseconds) at which to start it; the parent sends every
 * process the same instant once all are ready, so the processes race each other while no phase
 * overlaps the next (JVM start-up alone can take seconds on a loaded host, which a start time
 * fixed in advance cannot allow for). It prints one {@code result <phase> <value>} line per call
 * and exits 0, or non-zero on any failure.
 */
public final class RaceMain {

    static final String RESULT_PREFIX = "result ";
    static final String READY_PREFIX = "ready ";
    static final List<String> PHASES = List.of("id", "activated", "deactivated");

    private RaceMain() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String name = args[1];
        int threads = Integer.parseInt(args[2]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (DbConnector connector = DbConnector.builder()
                // The parent created the schema; skipping Flyway keeps start-up short.
                .url(url)
                .migrate(false)
                .poolSize(threads)
                .open()) {
            MastersConnector masters = connector.masters();
            // Warm the pool so that the first phase races on SQL, not on connection set-up.
            masters.getMasters().join();

            long id = phase("id", in, threads, callers, () -> masters.findMasterId(name))
                    .get(0);
            phase("activated", in, threads, callers, () -> masters.setMasterState(id, true));
            phase("deactivated", in, threads, callers, () -> masters.setMasterState(id, false));
        } finally {
            callers.shutdownNow();
        }
    }

    private static <T> List<T> phase(
            String phase, BufferedReader in, int threads, ExecutorService callers, Supplier<CompletableFuture<T>> call)
            throws Exception {
        System.out.println(READY_PREFIX + phase);
        System.out.flush();
        String startLine = in.readLine();
        if (startLine == null) {
            throw new IllegalStateException("no start instant for phase " + phase);
        }
        long wait = Long.parseLong(startLine.strip()) - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        } else {
            System.out.println("late " + phase + " by " + -wait + " ms");
        }
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(callers.submit(() -> call.get().get()));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get());
        }
        for (T result : results) {
            System.out.println(RESULT_PREFIX + phase + " " + result);
        }
        System.out.flush();
        return results;
    }
}
