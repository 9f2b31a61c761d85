package org.multimaster.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.testing.TestDatabase;
import org.multimaster.runtime.Expiry;
import org.multimaster.runtime.MasterRuntime;

/**
 * No amount of HTTP traffic makes a check-in late: while 16 clients flood the API, a master with a
 * 1 s heartbeat and a 3 s expiry keeps checking in, and a peer sweeping with that expiry every
 * 250 ms never finds it expired. The API reads on its own pool; the master writes on its own.
 */
abstract class HttpFloodContract {

    static final Duration FLOOD = Duration.ofSeconds(10);
    static final int CLIENTS = 16;

    @TempDir
    Path dir;

    abstract TestDatabase database(Path dir);

    @Test
    void shouldKeepTheMasterAliveWhileClientsFloodTheApi() throws Exception {
        TestDatabase database = database(dir);
        database.reset();
        try (DbConnector runtimeDb = DbConnector.open(database.url());
                DbConnector peerDb = DbConnector.open(database.url());
                DbConnector api = DbConnector.builder()
                        .url(database.url())
                        .poolSize(2)
                        .migrate(false)
                        .open();
                MasterRuntime master = MasterRuntime.builder(runtimeDb)
                        .name("flooded")
                        .heartbeatInterval(Duration.ofSeconds(1))
                        .expiry(Duration.ofSeconds(3))
                        .schedulers(List.of("nightly"))
                        .build()) {
            master.start();
            HttpServer server = HttpServer.builder(api)
                    .endpoint(new HttpEndpoint("127.0.0.1", 0))
                    .start();
            HttpClientForTests http = new HttpClientForTests("http://127.0.0.1:" + server.port());
            Expiry peer = new Expiry(peerDb.masters(), Duration.ofSeconds(3), List.of(), e -> {});
            AtomicLong served = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long end = System.nanoTime() + FLOOD.toNanos();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    String path = i % 2 == 0
                            ? "/api/v2/masters?order=-name&name__contains=d"
                            : "/api/v2/schedulers?order=master";
                    running.add(clients.submit(() -> {
                        while (System.nanoTime() < end) {
                            int status = http.json(path).status();
                            (status == 200 ? served : failed).incrementAndGet();
                        }
                    }));
                }
                List<MasterModel> expired = new ArrayList<>();
                while (System.nanoTime() < end) {
                    expired.addAll(peer.sweep(-1));
                    Thread.sleep(250);
                }
                for (Future<?> client : running) {
                    client.get(30, TimeUnit.SECONDS);
                }
                System.out.printf(
                        "%s: %d requests in %s (%.0f/s), %d failed%n",
                        database, served.get(), FLOOD, served.get() / (double) FLOOD.toSeconds(), failed.get());

                assertThat(expired)
                        .as("masters a peer expired during the flood")
                        .isEmpty();
                assertThat(master.isActive()).isTrue();
                assertThat(failed.get()).isZero();
                assertThat(served.get()).as("requests served").isGreaterThan(CLIENTS);
            } finally {
                clients.shutdownNow();
                clients.awaitTermination(10, TimeUnit.SECONDS);
                server.close();
            }
        }
    }
}
