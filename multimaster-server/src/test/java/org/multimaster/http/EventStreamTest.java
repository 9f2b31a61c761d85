package org.multimaster.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;
import org.multimaster.runtime.MasterEvent;
import org.multimaster.runtime.MasterRuntime;

/**
 * {@code /api/v2/events}: changes written by others (here through a connector of their own, as
 * another process writes them) arrive within a poll; what this process does arrives at once; a
 * client that stops reading is dropped and delays neither the other clients nor a check-in.
 */
class EventStreamTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    TestDatabase database;
    DbConnector other;
    DbConnector api;
    HttpServer server;

    @BeforeEach
    void start() {
        database = TestDatabase.sqlite(dir);
        database.reset();
        other = DbConnector.open(database.url());
        api = DbConnector.builder()
                .url(database.url())
                .poolSize(2)
                .migrate(false)
                .open();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        api.close();
        other.close();
    }

    private void startServer(Duration poll, int queueBound) {
        server = HttpServer.builder(api)
                .endpoint(new HttpEndpoint("127.0.0.1", 0))
                .poll(poll)
                .eventQueueBound(queueBound)
                .keepAlive(Duration.ofMillis(500))
                .start();
    }

    private String events() {
        return "http://127.0.0.1:" + server.port() + "/api/v2/events";
    }

    @Test
    void shouldStreamWhatOthersChangeWithinAPoll() throws Exception {
        long a = other.masters().findMasterId("a").join();
        startServer(Duration.ofMillis(200), 1000);
        try (SseClient sse = new SseClient(events())) {
            assertThat(sse.status()).isEqualTo(200);
            Thread.sleep(500); // the watcher's first read only learns the state

            other.masters().setMasterState(a, true).join();
            assertThat(sse.await("masters/" + a + "/started", WAIT).toString())
                    .isEqualTo("{\"active\":true,\"masterid\":" + a + ",\"name\":\"a\"}");

            long nightly = other.schedulers().findSchedulerId("nightly").join();
            other.schedulers().setSchedulerMaster(nightly, a).join();
            assertThat(sse.await("schedulers/" + nightly + "/claimed", WAIT).toString())
                    .isEqualTo("{\"masterid\":" + a + ",\"name\":\"nightly\",\"schedulerid\":" + nightly + "}");

            other.masters().setMasterState(a, false).join();
            assertThat(sse.await("masters/" + a + "/stopped", WAIT)
                            .get("active")
                            .asBoolean())
                    .isFalse();
            assertThat(sse.await("schedulers/" + nightly + "/released", WAIT)
                            .get("masterid")
                            .asLong())
                    .isEqualTo(a);

            long b = other.masters().findMasterId("b").join();
            JsonNode registered = sse.await("masters/" + b + "/updated", WAIT);
            assertThat(registered.get("name").asText()).isEqualTo("b");
            assertThat(registered.has("last_active")).isTrue();
        }
    }

    @Test
    void shouldStreamThisProcesssOwnEventsAtOnce() throws Exception {
        long a = other.masters().findMasterId("a").join();
        startServer(Duration.ofMinutes(10), 1000);
        try (SseClient sse = new SseClient(events())) {
            assertThat(sse.status()).isEqualTo(200);
            Thread.sleep(500);

            server.masterEvent(new MasterEvent(MasterEvent.Type.STARTED, a, "a", true));

            assertThat(sse.await("masters/" + a + "/started", Duration.ofSeconds(2))
                            .get("name")
                            .asText())
                    .isEqualTo("a");
        }
    }

    @Test
    void shouldDropAStalledClientWithoutDelayingOthersOrTheHeartbeat() throws Exception {
        startServer(Duration.ofMillis(200), 64);
        DbConnector runtimeDb = DbConnector.open(database.url());
        try (MasterRuntime master = MasterRuntime.builder(runtimeDb)
                        .name("busy")
                        .heartbeatInterval(Duration.ofSeconds(1))
                        .expiry(Duration.ofSeconds(3))
                        .events(server::masterEvent)
                        .build();
                Socket stalled = new Socket();
                SseClient healthy = new SseClient(events())) {
            master.start();
            stalled.setReceiveBufferSize(1024);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
            stalled.getOutputStream()
                    .write(("GET /api/v2/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream head = stalled.getInputStream();
            assertThat(new String(head.readNBytes(12), StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 200");
            assertThat(healthy.status()).isEqualTo(200);
            awaitClients(2);

            String padding = "x".repeat(2000);
            long slowest = 0;
            int published = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (server.droppedEventClients() == 0 && System.nanoTime() < deadline) {
                long start = System.nanoTime();
                server.publish(ClusterEvent.of("test", published++, "flood", Map.of("padding", padding)));
                slowest = Math.max(slowest, System.nanoTime() - start);
                if (published % 200 == 0) {
                    assertThat(lastActiveAge())
                            .as("the master keeps checking in")
                            .isLessThanOrEqualTo(3);
                    healthy.await("test/" + (published - 1) + "/flood", WAIT);
                }
            }

            assertThat(server.droppedEventClients())
                    .as("the stalled client is dropped")
                    .isEqualTo(1);
            awaitClients(1);
            System.out.printf(
                    "stalled client dropped after %d events; slowest publish %.3f ms%n", published, slowest / 1e6);
            assertThat(Duration.ofNanos(slowest)).as("publishing never blocks").isLessThan(Duration.ofMillis(500));
            server.publish(ClusterEvent.of("test", -1, "after", Map.of()));
            healthy.await("test/-1/after", WAIT);
            assertThat(master.isActive()).isTrue();
            assertThat(lastActiveAge()).isLessThanOrEqualTo(3);
        } finally {
            runtimeDb.close();
        }
    }

    private void awaitClients(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.eventClients() != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.eventClients()).isEqualTo(count);
    }

    private long lastActiveAge() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT last_active FROM masters WHERE name = 'busy'")) {
            rs.next();
            return System.currentTimeMillis() / 1000 - rs.getLong(1);
        }
    }
}
