package org.multimaster.db.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Another process holding the write lock of a SQLite file: Python's {@code sqlite3} module runs
 * {@code BEGIN IMMEDIATE} and keeps the transaction open until {@link #close()}, which rolls it back.
 * The lock is held once {@link #hold} returns.
 *
 * <p>Outside CI, a test is skipped when {@code python3} is missing; with {@code CI=true} it fails.
 * Not thread-safe.
 */
public final class SqliteLockHolder implements AutoCloseable {

    private static final String SCRIPT = String.join(
            "\n",
            "import sqlite3, sys",
            "db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)",
            "db.execute('BEGIN IMMEDIATE')",
            "print('locked', flush=True)",
            "sys.stdin.read()",
            "db.execute('ROLLBACK')",
            "db.close()",
            "print('released', flush=True)");

    private final Process process;
    private final BufferedReader out;
    private boolean released;

    private SqliteLockHolder(Process process, BufferedReader out) {
        this.process = process;
        this.out = out;
    }

    /**
     * Starts the process and waits until it holds the write lock of {@code file}.
     *
     * @param file an existing SQLite database file
     */
    public static SqliteLockHolder hold(Path file) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder("python3", "-c", SCRIPT, file.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw e;
            }
            assumeTrue(false, "python3 is not installed (" + e.getMessage() + "); install it to run this test");
            throw e;
        }
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"locked".equals(line)) {
            process.destroyForcibly();
            throw new IllegalStateException("python3 did not take the lock of " + file + ": " + line);
        }
        return new SqliteLockHolder(process, out);
    }

    /**
     * Rolls the other process's transaction back, which releases the lock, and waits for it to exit.
     * Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            process.getOutputStream().close();
            String line = out.readLine();
            if (!process.waitFor(30, TimeUnit.SECONDS) || !"released".equals(line)) {
                throw new IllegalStateException("the lock holder did not release the lock: " + line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while releasing the lock", e);
        } finally {
            process.destroyForcibly();
        }
    }
}
