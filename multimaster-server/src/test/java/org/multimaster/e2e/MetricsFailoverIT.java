package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;

/**
 * Metrics and health of a real daemon after a scripted failover: a peer that runs the scheduler is
 * killed, the daemon expires it and takes the scheduler over, and {@code /metrics} says so; the
 * operator action of the daemon works with the token from {@code --admin-token-file}.
 */
class MetricsFailoverIT {

    @TempDir
    Path dir;

    final List<Daemon> daemons = new ArrayList<>();
    final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        daemons.forEach(Daemon::close);
    }

    private Daemon start(TestDatabase database, String name, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--heartbeat", "1s", "--expire", "4s", "--scheduler", "nightly"));
        all.addAll(List.of(args));
        Daemon daemon = Daemon.start(dir.resolve(name), database.url(), name, all);
        daemons.add(daemon);
        return daemon;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The samples of a Prometheus text exposition, by name with labels, e.g. {@code x{kind="a"}}. */
    private Map<String, Double> metrics(int port) throws Exception {
        HttpResponse<String> response = get(port, "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    @Test
    void shouldCountTheFailoverInTheMetricsAndStayHealthy() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir.resolve("db"));
        database.reset();
        DbConnector.open(database.url()).close();
        Path token = Files.writeString(dir.resolve("token"), "operator-secret-0123456789\n");
        Daemon victim = start(database, "victim", "--no-http");
        FailoverContract.await(
                "victim to start", FailoverContract.STARTUP, () -> count(victim, "started: heartbeat") == 1);
        Daemon survivor = start(database, "survivor", "--poll", "300ms", "--admin-token-file", token.toString());
        int port = survivor.httpPort();
        FailoverContract.await(
                "survivor to start", FailoverContract.STARTUP, () -> count(survivor, "started: heartbeat") == 1);

        victim.kill9();
        FailoverContract.await("survivor to expire the victim and take its scheduler", Duration.ofSeconds(30), () -> {
            try {
                Map<String, Double> m = metrics(port);
                return m.getOrDefault("multimaster_expired_masters_total", 0.0) == 1.0
                        && m.getOrDefault("multimaster_claims_held{kind=\"scheduler\"}", 0.0) == 1.0
                        && m.getOrDefault("multimaster_masters{state=\"inactive\"}", 0.0) == 1.0;
            } catch (Exception e) {
                return false;
            }
        });
        Map<String, Double> m = metrics(port);

        assertThat(m)
                .containsEntry("multimaster_masters{state=\"active\"}", 1.0)
                .containsEntry("multimaster_masters{state=\"inactive\"}", 1.0)
                .containsEntry("multimaster_expired_masters_total", 1.0)
                .containsEntry("multimaster_housekeeping_runs_total", 1.0)
                .containsEntry("multimaster_claims_held{kind=\"scheduler\"}", 1.0)
                .containsEntry("multimaster_claims_held{kind=\"changesource\"}", 0.0)
                .containsEntry("multimaster_master_active", 1.0)
                .containsEntry("multimaster_heartbeat_failures_total", 0.0)
                .containsEntry("multimaster_heartbeat_consecutive_failures", 0.0)
                .containsEntry("multimaster_event_stream_clients", 0.0)
                .containsEntry("hikaricp_connections_max{pool=\"multimaster-api\"}", 2.0)
                .containsEntry("hikaricp_connections_max{pool=\"multimaster-runtime\"}", 4.0);
        // The JVM's own metrics, whichever collector bin/multimaster chose.
        assertThat(m.keySet()).anyMatch(key -> key.startsWith("jvm_memory_used_bytes{area=\"heap\""));
        assertThat(m.get("multimaster_heartbeat_seconds_count")).isGreaterThanOrEqualTo(2.0);
        assertThat(m.get("multimaster_heartbeat_seconds_sum")).isPositive();
        assertThat(m.get("multimaster_heartbeat_last_success_seconds"))
                .isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(5.0));
        // The database runs on this host's clock: the skew is measured in milliseconds, not as "-1 s".
        assertThat(Math.abs(m.get("multimaster_clock_skew_seconds"))).isLessThan(0.25);

        HttpResponse<String> health = get(port, "/healthz");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"detail\":\"master ").contains("('survivor') checked in");

        long victimId = 1;
        HttpResponse<String> wrong = client.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/v2/masters/" + victimId + "/deactivate"))
                        .header("Authorization", "Bearer nope")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> right = client.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/v2/masters/" + victimId + "/deactivate"))
                        .header("Authorization", "Bearer operator-secret-0123456789")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).isEqualTo("{\"changed\":false,\"masterid\":1}");
    }

    private static long count(Daemon daemon, String regex) {
        try {
            return daemon.count(regex);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
