package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;

/**
 * The HTTP side of real {@code bin/multimaster run} and {@code serve} processes: where they listen,
 * what a port in use does, and that {@code serve} only observes.
 */
class HttpDaemonIT {

    @TempDir
    Path dir;

    TestDatabase database;
    final List<Daemon> daemons = new ArrayList<>();
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void createDatabase() {
        database = TestDatabase.sqlite(dir.resolve("db"));
        database.reset();
        DbConnector.open(database.url()).close();
    }

    @AfterEach
    void stopDaemons() {
        daemons.forEach(Daemon::close);
    }

    JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void shouldServeTheDataApiOfARunningMasterOnTheBoundPort() throws Exception {
        Daemon master =
                Daemon.start(dir.resolve("a"), database.url(), "a", List.of("--heartbeat", "1s", "--expire", "5s"));
        daemons.add(master);

        int port = master.httpPort();
        FailoverContract.await("master a to be active over HTTP", FailoverContract.STARTUP, () -> {
            try {
                JsonNode masters = get(port, "/api/v2/masters").get("masters");
                return masters.size() == 1 && masters.get(0).get("active").asBoolean();
            } catch (Exception e) {
                return false;
            }
        });

        assertThat(get(port, "/api/v2/masters?name=a")
                        .get("masters")
                        .get(0)
                        .get("name")
                        .asText())
                .isEqualTo("a");
        assertThat(master.count(
                        "serving the data API, the Build Masters page and metrics on http://127.0.0.1:" + port + "/"))
                .isEqualTo(1);
    }

    @Test
    void shouldRefuseAPortInUseWithAClearErrorAndExitCode2BeforeRegistering() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Daemon master =
                    Daemon.start(dir.resolve("busy"), database.url(), "busy", List.of("--http", "127.0.0.1:" + port));
            daemons.add(master);

            assertThat(master.waitForExit(Duration.ofMinutes(2))).isTrue();
            assertThat(master.exitCode()).isEqualTo(2);
            assertThat(master.log())
                    .anyMatch(line -> line.startsWith(
                            "multimaster: cannot serve HTTP on 127.0.0.1:" + port + ": the port is in use"))
                    .noneMatch(line -> line.contains("\tat ") || line.contains("Exception"));
            assertThat(countMasters()).as("no master registered").isZero();
        }
    }

    @Test
    void shouldObserveWithoutRegisteringOrExpiringAnyone() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO masters (id, name, name_hash, active, last_active)"
                    + " VALUES (7, 'stale', 'x', 1, 1000)");
        }
        Daemon observer = Daemon.command(
                dir.resolve("observer"), "observer", List.of("serve", "--db", database.url(), "--http", "127.0.0.1:0"));
        daemons.add(observer);

        int port = observer.httpPort();
        JsonNode masters = get(port, "/api/v2/masters").get("masters");
        Thread.sleep(2_000);

        assertThat(masters).hasSize(1);
        assertThat(masters.get(0).get("active").asBoolean())
                .as("a stale master is not expired")
                .isTrue();
        assertThat(countMasters()).as("no master registered").isEqualTo(1);
        assertThat(get(port, "/api/v2/masters/7")
                        .get("masters")
                        .get(0)
                        .get("active")
                        .asBoolean())
                .isTrue();
        observer.terminate();
        assertThat(observer.waitForExit(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void shouldStreamAChangeMadeByAnotherProcessAsAnEvent() throws Exception {
        Daemon master = Daemon.start(
                dir.resolve("m"),
                database.url(),
                "m",
                List.of("--heartbeat", "1s", "--expire", "5s", "--poll", "300ms"));
        daemons.add(master);
        int port = master.httpPort();
        master.awaitStarted();
        long other;
        try (DbConnector db = DbConnector.open(database.url())) {
            other = db.masters().findMasterId("other").join();
            db.masters().setMasterState(other, true).join();
        }
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        HttpResponse<java.util.stream.Stream<String>> stream = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/events"))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> stream.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(1_000);

        // Another process: the CLI.
        Daemon cli = Daemon.command(
                dir.resolve("cli"), "cli", List.of("deactivate", String.valueOf(other), "--db", database.url()));
        assertThat(cli.waitForExit(Duration.ofMinutes(2))).isTrue();
        assertThat(cli.exitCode()).as(String.join("\n", cli.log())).isZero();

        String expected =
                "data: {\"key\": [\"masters\", \"" + other + "\", \"stopped\"], \"message\": {\"active\": false,"
                        + " \"masterid\": " + other + ", \"name\": \"other\"}}";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean seen = false;
        while (!seen && System.nanoTime() < deadline) {
            String line = lines.poll(1, java.util.concurrent.TimeUnit.SECONDS);
            seen = expected.equals(line);
        }
        assertThat(seen).as("the stopped event of master %d", other).isTrue();
        stream.body().close();
    }

    @Test
    void shouldServeNoHttpWhenAskedNot() throws Exception {
        Daemon master = Daemon.start(dir.resolve("quiet"), database.url(), "quiet", List.of("--no-http"));
        daemons.add(master);

        master.awaitStarted();
        assertThat(master.count("serving the data API")).isZero();
    }

    private long countMasters() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM masters")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
