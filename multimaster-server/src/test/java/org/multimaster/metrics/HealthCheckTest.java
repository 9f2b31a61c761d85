package org.multimaster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;
import org.multimaster.http.HttpEndpoint;
import org.multimaster.http.HttpServer;
import org.multimaster.runtime.MasterRuntime;

/**
 * {@code /healthz}: 200 while the last check-in succeeded within one interval; 503 with the reason
 * while check-ins fail (the database is locked), and 200 again once they succeed.
 */
class HealthCheckTest {

    @TempDir
    Path dir;

    @Test
    void shouldTurnUnhealthyWhileCheckInsFailAndHealthyWhenTheyResume() throws Exception {
        // PostgreSQL: a locked table makes a check-in wait (and the runtime give up on it after one
        // interval) until the lock is released, then it goes through.
        TestDatabase database = TestDatabase.postgres("mm_health");
        database.reset();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MasterMetrics metrics = new MasterMetrics(registry, Clock.systemUTC());
        HttpClient client = HttpClient.newHttpClient();
        try (DbConnector db = DbConnector.open(database.url());
                DbConnector api = DbConnector.builder()
                        .url(database.url())
                        .poolSize(2)
                        .migrate(false)
                        .open();
                MasterRuntime master = MasterRuntime.builder(db)
                        .name("checked")
                        .heartbeatInterval(Duration.ofSeconds(1))
                        .expiry(Duration.ofSeconds(5))
                        .build();
                HttpServer server = HttpServer.builder(api)
                        .endpoint(new HttpEndpoint("127.0.0.1", 0))
                        .metrics(registry)
                        .health(metrics::health)
                        .start()) {
            URI healthz = URI.create("http://127.0.0.1:" + server.port() + "/healthz");
            HttpRequest request = HttpRequest.newBuilder(healthz).build();
            assertThat(client.send(request, HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("before the master starts")
                    .isEqualTo(503);
            metrics.bind(master);
            master.start();
            Thread.sleep(1_500);
            assertThat(client.send(request, HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);

            HttpResponse<String> locked;
            try (AutoCloseable lock = database.lockMastersTable()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                do {
                    Thread.sleep(200);
                    locked = client.send(request, HttpResponse.BodyHandlers.ofString());
                } while (locked.statusCode() == 200 && System.nanoTime() < deadline);
            }

            assertThat(locked.statusCode()).isEqualTo(503);
            // Either the stuck check-in has failed already, or the last success is older than an interval.
            assertThat(locked.body()).startsWith("{\"error\": \"the last ");
            assertThat(registry.scrape()).contains("multimaster_heartbeat_failures_total");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int status;
            do {
                Thread.sleep(200);
                status = client.send(request, HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            } while (status != 200 && System.nanoTime() < deadline);
            assertThat(status).as("healthy again once check-ins succeed").isEqualTo(200);
        }
    }
}
