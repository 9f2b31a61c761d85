package org.multimaster.bench.jmh;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Plain JDBC work handed to database threads as the connector hands its own ({@code SqlExecutor}). */
final class HandOff {

    /** JDBC work that returns a value. */
    @FunctionalInterface
    interface SqlCall<T> {
        T call() throws SQLException;
    }

    private HandOff() {}

    /** An executor shaped as the connector's: {@code threads} threads taking calls from one queue. */
    static ExecutorService executor(int threads) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    /** Runs {@code call} on {@code executor}; an SQLException fails the future. */
    static <T> CompletableFuture<T> submit(ExecutorService executor, SqlCall<T> call) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return call.call();
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                },
                executor);
    }
}
