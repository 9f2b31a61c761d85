package org.multimaster.db.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.multimaster.db.testing.TestEnvironment.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.multimaster.db.DatabaseKind;

/**
 * A database for tests: one of the three real servers (never a mock), with its own database name
 * so that suites do not disturb each other, and a way to wipe it between tests.
 *
 * <p>PostgreSQL and MariaDB are expected on 127.0.0.1 with the default ports (override with
 * {@code MULTIMASTER_TEST_PG} / {@code MULTIMASTER_TEST_MARIADB}, a JDBC URL without database).
 * Outside CI a suite whose server is unreachable is skipped with a message saying how to enable
 * it; with {@code CI=true} it fails.
 */
public abstract class TestDatabase {

    private final DatabaseKind kind;

    private TestDatabase(DatabaseKind kind) {
        this.kind = kind;
    }

    /** A SQLite file in {@code dir}. */
    public static TestDatabase sqlite(Path dir) {
        return sqlite(dir, "state.sqlite");
    }

    /** The SQLite file {@code fileName} in {@code dir}. */
    public static TestDatabase sqlite(Path dir, String fileName) {
        return new Sqlite(dir.resolve(fileName));
    }

    /**
     * The PostgreSQL database {@code name} (plus {@code MULTIMASTER_TEST_DB_SUFFIX}) on the local
     * server, created if missing.
     */
    public static TestDatabase postgres(String name) {
        return new Postgres(env("MULTIMASTER_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/"), isolated(name));
    }

    /**
     * The MariaDB database {@code name} (plus {@code MULTIMASTER_TEST_DB_SUFFIX}) on the local server,
     * created if missing.
     */
    public static TestDatabase mariadb(String name) {
        return new MariaDb(env("MULTIMASTER_TEST_MARIADB", "jdbc:mariadb://127.0.0.1:3306/"), isolated(name));
    }

    /**
     * The database name a suite asked for, with the suffix {@code MULTIMASTER_TEST_DB_SUFFIX} (letters,
     * digits and underscores), so that two checkouts can run their suites on one server at once.
     */
    static String isolated(String name) {
        String suffix = env("MULTIMASTER_TEST_DB_SUFFIX", "");
        if (!suffix.matches("[A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "MULTIMASTER_TEST_DB_SUFFIX '" + suffix + "' may hold only letters, digits and underscores");
        }
        return name + suffix;
    }

    /** The database's name on its server; for SQLite, the file's path. */
    public abstract String name();

    /** The kind of database. */
    public DatabaseKind kind() {
        return kind;
    }

    /** The JDBC URL of the database, with credentials, for {@code DbConnector.open}. */
    public abstract String url();

    /** A raw JDBC connection, for setting up and checking rows behind the connector's back. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /**
     * Skips the calling test (outside CI) or fails it (in CI) when the server is unreachable, then
     * empties the database: every table is dropped.
     */
    public void reset() {
        try {
            wipe();
        } catch (SQLException e) {
            String how = "start it (see .ci/run) to run this suite";
            if (TestEnvironment.inCi()) {
                throw new AssertionError(kind + " test database is unreachable in CI: " + e.getMessage(), e);
            }
            assumeTrue(false, kind + " is not reachable (" + e.getMessage() + "): " + how);
        }
    }

    /** Whether two processes on one host can share the database (all three can). */
    public boolean supportsSeveralProcesses() {
        return true;
    }

    protected abstract void wipe() throws SQLException;

    /**
     * Takes a lock that blocks every write to {@code masters} (and, on SQLite, to the whole
     * database) until the returned handle is closed: a database that stops answering, as during
     * an outage, without stopping the shared server.
     */
    public AutoCloseable lockMastersTable() throws SQLException {
        Connection connection = connect();
        try (Statement s = connection.createStatement()) {
            switch (kind) {
                case SQLITE -> s.execute("BEGIN IMMEDIATE");
                case POSTGRESQL -> {
                    connection.setAutoCommit(false);
                    s.execute("LOCK TABLE masters IN ACCESS EXCLUSIVE MODE");
                }
                case MYSQL -> s.execute("LOCK TABLES masters WRITE");
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return () -> {
            try (connection) {
                try (Statement s = connection.createStatement()) {
                    switch (kind) {
                        case SQLITE -> s.execute("ROLLBACK");
                        case POSTGRESQL -> connection.rollback();
                        case MYSQL -> s.execute("UNLOCK TABLES");
                    }
                }
            }
        };
    }

    /**
     * Whether {@link #lockRow} can lock one row and leave the others writable. SQLite cannot: a
     * writer locks the whole database.
     */
    public boolean locksSingleRows() {
        return kind != DatabaseKind.SQLITE;
    }

    /**
     * Locks one row of {@code table} against writes until the returned handle is closed, as a slow
     * transaction of another process would; other rows stay writable.
     *
     * @throws UnsupportedOperationException where {@link #locksSingleRows()} is false
     */
    public AutoCloseable lockRow(String table, long id) throws SQLException {
        if (!locksSingleRows()) {
            throw new UnsupportedOperationException(kind + " cannot lock a single row");
        }
        Connection connection = connect();
        try {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.executeQuery("SELECT id FROM " + table + " WHERE id = " + id + " FOR UPDATE")
                        .close();
            }
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return () -> {
            try (connection) {
                connection.rollback();
            }
        };
    }

    @Override
    public String toString() {
        return kind.toString();
    }

    private static final class Sqlite extends TestDatabase {
        private final Path file;

        Sqlite(Path file) {
            super(DatabaseKind.SQLITE);
            this.file = file;
        }

        @Override
        public String url() {
            return "jdbc:sqlite:" + file;
        }

        @Override
        public String name() {
            return file.toString();
        }

        @Override
        protected void wipe() {
            try {
                Files.createDirectories(file.getParent());
                try (Stream<Path> files = Files.list(file.getParent())) {
                    files.filter(p -> p.getFileName()
                                    .toString()
                                    .startsWith(file.getFileName().toString()))
                            .sorted(Comparator.reverseOrder())
                            .forEach(p -> {
                                try {
                                    Files.delete(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class Postgres extends TestDatabase {
        private final String server;
        private final String name;

        Postgres(String server, String name) {
            super(DatabaseKind.POSTGRESQL);
            this.server = server.endsWith("/") ? server : server + "/";
            this.name = name;
        }

        @Override
        public String url() {
            return server + name + "?user=postgres";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        protected void wipe() throws SQLException {
            try (Connection admin = DriverManager.getConnection(server + "postgres?user=postgres");
                    Statement s = admin.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                        + "' AND pid <> pg_backend_pid()");
                s.execute("DROP DATABASE IF EXISTS " + name);
                s.execute("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
            }
        }
    }

    private static final class MariaDb extends TestDatabase {
        private final String server;
        private final String name;

        MariaDb(String server, String name) {
            super(DatabaseKind.MYSQL);
            this.server = server.endsWith("/") ? server : server + "/";
            this.name = name;
        }

        @Override
        public String url() {
            return server + name + "?user=root";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        protected void wipe() throws SQLException {
            try (Connection admin = DriverManager.getConnection(server + "?user=root");
                    Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name);
                s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
            }
        }
    }
}
