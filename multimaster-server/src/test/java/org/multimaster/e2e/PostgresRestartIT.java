package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.testing.TestDatabase;

/**
 * The PostgreSQL server is stopped and started again under a running daemon: the daemon must not
 * crash, must warn once for the outage, and must check in again within one interval after the
 * server is back. Needs to control the local cluster ({@code pg_ctlcluster}, as root, as in CI).
 */
class PostgresRestartIT {

    static final Duration INTERVAL = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    TestDatabase database;
    String cluster;
    Daemon daemon;

    @BeforeEach
    void setUp() throws IOException {
        cluster = localClusterVersion();
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!ci) {
            assumeTrue(cluster != null && isRoot(), "needs root and a local pg_ctlcluster cluster (as in CI)");
        }
        assertThat(cluster).as("PostgreSQL cluster under /etc/postgresql").isNotNull();
        database = TestDatabase.postgres("mm_restart");
        database.reset();
    }

    @AfterEach
    void tearDown() throws Exception {
        pgctl("start"); // whatever happened, leave the server running for the next tests
        awaitServer();
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void shouldSurviveADatabaseRestartAndCheckInWithinOneIntervalAfterIt() throws Exception {
        daemon = Daemon.start(
                dir, database.url(), "survivor", List.of("--heartbeat", "1s", "--expire", "30s", "--scheduler", "s"));
        // Its log line, not its first check-in: its startup is over then. A database that fails
        // before the startup check-in ends the process, as documented for MasterRuntime.start.
        daemon.awaitStarted();

        pgctl("stop");
        Thread.sleep(4_000);
        if (!daemon.isAlive()) {
            throw Daemon.withLogs(new AssertionError("the daemon exited during the outage"));
        }
        pgctl("start");
        awaitServer();
        // The outage lasted longer than a second, so a last_active in this second or later can only
        // come from a check-in after the restart.
        long back = System.currentTimeMillis() / 1000;

        Duration took = FailoverContract.await(
                "a check-in after the restart", Duration.ofSeconds(30), () -> lastActive() >= back);
        daemon.log().forEach(System.out::println);

        assertThat(took).isLessThanOrEqualTo(INTERVAL.plus(FailoverContract.ROUNDING));
        assertThat(daemon.isAlive()).isTrue();
        assertThat(daemon.count("cannot check in")).as("one warning per outage").isEqualTo(1);
        assertThat(daemon.count("WARN .*the check-in sent at .* has not completed"))
                .as("a stalled check-in warns at most once per outage")
                .isLessThanOrEqualTo(1);
        assertThat(daemon.count("the database is back")).isEqualTo(1);
    }

    private long lastActive() {
        try (Connection c = DriverManager.getConnection(database.url());
                PreparedStatement s = c.prepareStatement("SELECT last_active FROM masters WHERE name = 'survivor'");
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            return 0;
        }
    }

    private void awaitServer() throws InterruptedException {
        FailoverContract.await("PostgreSQL to accept connections", Duration.ofSeconds(60), () -> {
            try (Connection c = DriverManager.getConnection(database.url())) {
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
    }

    private void pgctl(String action) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(
                List.of("pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", action));
        if (action.equals("stop")) {
            command.addAll(List.of("-m", "fast")); // disconnect clients at once, as a crash or failover would
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        p.waitFor(60, TimeUnit.SECONDS);
    }

    private static String localClusterVersion() throws IOException {
        Path etc = Path.of("/etc/postgresql");
        if (!Files.isDirectory(etc)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(etc)) {
            return versions.map(p -> p.getFileName().toString())
                    .sorted()
                    .findFirst()
                    .orElse(null);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
