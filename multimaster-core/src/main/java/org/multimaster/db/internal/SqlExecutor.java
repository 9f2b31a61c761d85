package org.multimaster.db.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DatabaseUnavailableException;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.MultimasterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every database operation of a connector: on a bounded executor sized to the connection
 * pool, in a transaction that the {@link Dialect} starts and ends, retried on transient failures
 * (deadlock, serialization failure, SQLite recovery), with driver exceptions translated to
 * {@link MultimasterException}. A transaction is all or nothing: when it fails, whatever it wrote is
 * rolled back, and a connection whose rollback failed leaves the pool. Thread-safe.
 */
public final class SqlExecutor implements AutoCloseable {

    /** One unit of database work; runs inside a transaction unless stated otherwise. */
    @FunctionalInterface
    public interface SqlWork<T> {
        @Nullable
        T run(Connection connection) throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(SqlExecutor.class);
    private static final int MAX_ATTEMPTS = 5;

    private final DataSource dataSource;
    private final DatabaseUrl url;
    private final Dialect dialect;
    private final ExecutorService executor;

    /**
     * @param dialect starts and ends the transactions
     * @param threads how many operations run at once; the pool should have as many connections
     * @param threadName the prefix of the executor's thread names, e.g. {@code multimaster-db}
     */
    SqlExecutor(DataSource dataSource, DatabaseUrl url, Dialect dialect, int threads, String threadName) {
        this.dataSource = dataSource;
        this.url = url;
        this.dialect = dialect;
        this.executor = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), namedDaemonThreads(threadName));
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code work} in one transaction on the database executor: committed when it returns,
     * rolled back when it throws.
     *
     * @param what what the work does, for error messages ("register master 'x'")
     */
    public <T> CompletableFuture<T> transaction(String what, SqlWork<T> work) {
        return submit(what, work, true);
    }

    /**
     * Runs {@code work} on the database executor with auto-commit on: each statement commits on its
     * own. For reads, and for work that handles its own races statement by statement.
     */
    public <T> CompletableFuture<T> autoCommit(String what, SqlWork<T> work) {
        return submit(what, work, false);
    }

    private <T> CompletableFuture<T> submit(String what, SqlWork<T> work, boolean transactional) {
        try {
            return CompletableFuture.supplyAsync(() -> runWithRetries(what, work, transactional), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    new MultimasterException("cannot " + what + ": the connector to " + url + " is closed", e));
        }
    }

    private <T> @Nullable T runWithRetries(String what, SqlWork<T> work, boolean transactional) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                return runOnce(work, transactional);
            } catch (SQLException e) {
                if (SqlErrors.isTransient(e) && attempt < MAX_ATTEMPTS) {
                    log.debug("retrying '{}' after transient failure {} (attempt {})", what, e.getSQLState(), attempt);
                    backOff(attempt);
                    continue;
                }
                throw translate(what, e, Duration.ofNanos(System.nanoTime() - start));
            } catch (RuntimeException e) {
                if (e instanceof MultimasterException) {
                    throw e;
                }
                throw new MultimasterException("cannot " + what + " on " + url + ": " + e, e);
            }
        }
    }

    private <T> @Nullable T runOnce(SqlWork<T> work, boolean transactional) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!transactional) {
                return work.run(connection);
            }
            dialect.begin(connection);
            try {
                T result = work.run(connection);
                dialect.commit(connection);
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackOrEvict(connection, e);
                throw e;
            }
        }
    }

    private MultimasterException translate(String what, SQLException e, Duration waited) {
        if (SqlErrors.isLockWaitExhausted(e)) {
            return new DatabaseUnavailableException(
                    "cannot " + what + " on " + url + ": " + lockedMessage(url.kind(), waited)
                            + "; nothing was changed",
                    e);
        }
        String message = "cannot " + what + " on " + url + ": " + describe(e, url);
        String advice = advice(e, url);
        if (advice != null) {
            return new MultimasterException(message + "; " + advice, e);
        }
        if (SqlErrors.isConnectionFailure(e)) {
            return new DatabaseUnavailableException(
                    message + "; check that the database server is running and reachable", e);
        }
        return new MultimasterException(message, e);
    }

    /**
     * What the user can do about a failure that is not the statement's own fault, or null: a damaged
     * SQLite file or a full disk ({@link SqliteFiles#advice}), or a server that takes no writes.
     */
    static @Nullable String advice(SQLException e, DatabaseUrl url) {
        if (SqlErrors.isReadOnlyTransaction(e)) {
            return "the database server takes no writes on this connection (a standby, or a read-only"
                    + " session); point --db at the primary"
                    + (url.kind() == DatabaseKind.POSTGRESQL
                            ? ", or name every host with target_session_attrs=read-write so that the driver finds it"
                            : "");
        }
        return SqliteFiles.advice(e, url);
    }

    /** The driver's message and SQLState, without the password of {@code url}. */
    static String describe(SQLException e, DatabaseUrl url) {
        String state = e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")";
        // Drivers put details on lines of their own (PostgreSQL's "  Position: 8"); a failure is
        // reported in one line.
        String message = String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", "; ");
        return url.hidePasswordIn(message) + state;
    }

    /**
     * The message for the busy timeout running out: another connection held a lock this one waited
     * for, all of {@code waited}.
     */
    static String lockedMessage(DatabaseKind kind, Duration waited) {
        long millis = waited.toMillis();
        String busy = millis < 1000 ? millis + " ms" : Math.round(millis / 1000.0) + " s";
        // SQLite has one lock for writes; the servers lock rows and tables.
        String held = kind == DatabaseKind.SQLITE ? "its write lock" : "a lock this needs";
        return "database is locked (busy for " + busy + "): another process holds " + held
                + "; try again when it has finished";
    }

    private void rollbackOrEvict(Connection connection, Exception cause) {
        try {
            dialect.rollback(connection);
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
            // The connection may still be inside the transaction (on SQLite, holding the write lock):
            // it must not serve another operation.
            if (dataSource instanceof HikariDataSource pool) {
                pool.evictConnection(connection);
            }
        }
    }

    private static void backOff(int attempt) {
        long millis = ThreadLocalRandom.current().nextLong(5, 20L << attempt);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultimasterException("interrupted while retrying a database operation", e);
        }
    }

    private static ThreadFactory namedDaemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops accepting work and waits briefly for running work to finish. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
