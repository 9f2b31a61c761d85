package org.multimaster.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.SqliteDamage;

/**
 * {@code /healthz} of a server without a master of its own (the {@code serve} command): healthy while
 * its cluster watcher reads the database, and otherwise unhealthy with the watcher's last error.
 */
class ObserverHealthTest {

    private static final Duration POLL = Duration.ofMillis(200);

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();

    private Path databaseWithMasters(String name) {
        Path file = dir.resolve(name);
        try (DbConnector db = DbConnector.open("sqlite:///" + file)) {
            db.masters().findMasterId("master-a").join();
            db.masters().findMasterId("master-b").join();
        }
        return file;
    }

    /** The first answer of {@code /healthz} within 5 s that {@code wanted} accepts, or the last one. */
    private HttpResponse<String> healthOnce(HttpServer server, Predicate<HttpResponse<String>> wanted)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                .build();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        HttpResponse<String> response;
        do {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (wanted.test(response)) {
                return response;
            }
            Thread.sleep(POLL.toMillis());
        } while (System.nanoTime() < deadline);
        return response;
    }

    private static HttpServer serve(DbConnector db) {
        return HttpServer.builder(db)
                .endpoint(new HttpEndpoint("127.0.0.1", 0))
                .poll(POLL)
                .start();
    }

    @Test
    void shouldBeHealthyWhileTheWatcherReadsTheDatabase() throws Exception {
        Path file = databaseWithMasters("state.sqlite");

        try (DbConnector db = DbConnector.open("sqlite:///" + file);
                HttpServer server = serve(db)) {
            HttpResponse<String> health = healthOnce(server, r -> r.statusCode() == 200);

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body())
                    .matches("\\{\"detail\": ?\"the cluster watcher read the database \\d+ ms ago\", ?\"status\":"
                            + " ?\"ok\"}");
        }
    }

    @Test
    void shouldBeUnhealthyWithTheWatchersErrorInWordsWhenItCannotRead() throws Exception {
        Path file = databaseWithMasters("damaged.sqlite");
        SqliteDamage.breakRootPageOf(file, "masters");

        try (DbConnector db = DbConnector.open("sqlite:///" + file);
                HttpServer server = serve(db)) {
            // Unhealthy from the start, and with the reason once the watcher's first read has failed.
            HttpResponse<String> health = healthOnce(server, r -> r.body().contains("SQLITE_CORRUPT"));

            assertThat(health.statusCode()).isEqualTo(503);
            // Two polls and a second: the limit in the operator's words, not ISO-8601's PT1.4S.
            assertThat(health.body())
                    .startsWith("{\"error\": \"the cluster watcher has not read the database within 1400ms: cannot"
                            + " read the cluster's state on sqlite:///" + file + ": [SQLITE_CORRUPT] ")
                    .contains("the file " + file + " is damaged;");
        }
    }
}
