package org.multimaster.cli;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DatabaseUrl;
import org.slf4j.LoggerFactory;

/**
 * Does, on a second thread while picocli builds and parses the command line, the slowest parts of
 * what nearly every command does next: setting up logging, loading the JDBC drivers, initialising
 * the pool's classes and, when the database is SQLite, loading its native library and making its
 * connection settings (their date formats load the JDK's locale data). Together they were about 40%
 * of {@code list}'s start (async-profiler, wall clock), and the parsing leaves the second core idle.
 *
 * <p>Class initialisation is thread-safe: a command that needs one of these classes first waits for
 * the warm-up's work instead of doing it again. Logging is the exception: while SLF4J is being set
 * up, a logger obtained on another thread is a stand-in whose calls SLF4J replays later with a
 * warning, so the command waits for it ({@link #awaitLogging}) before it runs. A failure here is
 * ignored; the command meets it again where it can report it.
 *
 * <p>Thread-safe. Started once, by {@link Main#main}; tests that call {@link Main#run} start none,
 * and {@link #awaitLogging} then returns at once.
 */
final class WarmUp {

    /**
     * The pool's classes a command waits for on its way to the database, down to the stand-in it
     * makes for a closed connection (a dynamic proxy).
     */
    private static final List<String> CLASSES = List.of(
            "com.zaxxer.hikari.HikariConfig",
            "com.zaxxer.hikari.pool.HikariPool",
            "com.zaxxer.hikari.pool.ProxyConnection$ClosedConnection");

    /** Counted down once logging is set up (or failed to be); null until {@link #start}. */
    private static volatile @Nullable CountDownLatch loggingReady;

    private WarmUp() {}

    /**
     * Starts the warm-up on a daemon thread, which the JVM does not wait for at exit.
     *
     * @param args the command line, for the database it names ({@code --db})
     * @param environment the process environment, for {@code MULTIMASTER_DB}
     */
    static void start(String[] args, Map<String, String> environment) {
        CountDownLatch latch = new CountDownLatch(1);
        loggingReady = latch;
        Thread thread = new Thread(() -> run(latch, args, environment), "multimaster-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the warm-up has set logging up, if a warm-up was started. */
    static void awaitLogging() {
        CountDownLatch latch = loggingReady;
        if (latch == null) {
            return;
        }
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the command will open SQLite: its {@code --db}, else {@code MULTIMASTER_DB}, else the
     * default. Only then is SQLite's native library loaded here: for a server database, a library that
     * cannot load (no writable temporary directory, say) must not fill stderr with SQLite's errors.
     * A URL that does not parse is left to the command to report.
     */
    static boolean usesSqlite(String[] args, Map<String, String> environment) {
        DatabaseUrl url = databaseOf(args, environment);
        return url != null && url.kind() == DatabaseKind.SQLITE;
    }

    /** The database the command will open, or null when its URL does not parse. */
    private static @Nullable DatabaseUrl databaseOf(String[] args, Map<String, String> environment) {
        String given = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--db") && i + 1 < args.length) {
                given = args[i + 1];
            } else if (args[i].startsWith("--db=")) {
                given = args[i].substring("--db=".length());
            }
        }
        try {
            return DatabaseUrl.parse(DatabaseCommand.databaseUrl(given, environment));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void run(CountDownLatch latch, String[] args, Map<String, String> environment) {
        try {
            LoggerFactory.getILoggerFactory();
        } catch (RuntimeException | LinkageError e) {
            // The command meets it again where it can report it.
        } finally {
            latch.countDown();
        }
        try {
            // The pool looks its driver up in DriverManager, which loads every driver on the class path
            // on first use, and names each connection with a random UUID, whose SecureRandom is slow
            // to seed. Looking the very URL up also links the string concatenation in
            // DriverManager.getDriver, the first the process runs through invokedynamic (17 ms of CPU).
            DatabaseUrl url = databaseOf(args, environment);
            if (url == null) {
                DriverManager.getDrivers();
            } else {
                try {
                    DriverManager.getDriver(url.jdbcUrl());
                } catch (SQLException noDriver) {
                    // The command reports it.
                }
            }
            UUID.randomUUID();
            ClassLoader loader = WarmUp.class.getClassLoader();
            if (url != null && url.kind() == DatabaseKind.SQLITE) {
                Class.forName("org.sqlite.SQLiteJDBCLoader", true, loader)
                        .getMethod("initialize")
                        .invoke(null);
                Class.forName("org.sqlite.SQLiteConfig", true, loader)
                        .getConstructor()
                        .newInstance();
            }
            for (String name : CLASSES) {
                Class.forName(name, true, loader);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // As above: a driver that cannot load is reported by the command that needs it.
        }
    }
}
