package org.multimaster.bench.jmh;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The scratch databases the JMH benchmarks run on: a SQLite file in the temporary directory, and
 * the database {@code mm_bench} on the local PostgreSQL and MariaDB servers (created if missing).
 * {@code MULTIMASTER_BENCH_SQLITE}, {@code MULTIMASTER_BENCH_PG} and {@code MULTIMASTER_BENCH_MARIADB}
 * name other ones (which must exist).
 */
final class ScratchDatabase {

    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/";
    private static final String NAME = "mm_bench";

    private ScratchDatabase() {}

    /** The URL of the scratch database of {@code kind} (sqlite, postgresql or mariadb), created if missing. */
    static String url(String kind) throws SQLException {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "sqlite" ->
                env(
                        "MULTIMASTER_BENCH_SQLITE",
                        "jdbc:sqlite:" + System.getProperty("java.io.tmpdir") + "/multimaster-jmh.sqlite");
            case "postgresql" -> {
                String url = System.getenv("MULTIMASTER_BENCH_PG");
                if (url != null) {
                    yield url;
                }
                try (Connection c = DriverManager.getConnection(PG + "postgres?user=postgres");
                        Statement s = c.createStatement();
                        var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + NAME + "'")) {
                    if (!rs.next()) {
                        s.execute("CREATE DATABASE " + NAME + " ENCODING 'UTF8' TEMPLATE template0");
                    }
                }
                yield PG + NAME + "?user=postgres";
            }
            case "mariadb" -> {
                String url = System.getenv("MULTIMASTER_BENCH_MARIADB");
                if (url != null) {
                    yield url;
                }
                try (Connection c = DriverManager.getConnection(MARIADB + "?user=root");
                        Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + NAME
                            + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
                }
                yield MARIADB + NAME + "?user=root";
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown database '" + kind + "'; use sqlite, postgresql or mariadb");
        };
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
