package org.multimaster.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;
import org.multimaster.http.HttpClientForTests.Answer;

/**
 * {@code POST /api/v2/masters/N/deactivate}: off without a token, 401 without the header, 403 with
 * a wrong token, and housekeeping exactly once however many operators deactivate at once.
 */
abstract class AdminContract {

    static final String TOKEN = "s3cret-token-0123456789";

    @TempDir
    Path dir;

    TestDatabase database;
    DbConnector db;
    DbConnector api;
    HttpServer server;
    HttpClientForTests http;
    final AtomicInteger housekept = new AtomicInteger();

    abstract TestDatabase database(Path dir);

    @BeforeEach
    void start() {
        database = database(dir);
        database.reset();
        db = DbConnector.open(database.url());
        api = DbConnector.builder()
                .url(database.url())
                .poolSize(4)
                .migrate(false)
                .open();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        api.close();
        db.close();
    }

    private void startServer(boolean withToken) {
        HttpServer.Builder builder = HttpServer.builder(api)
                .endpoint(new HttpEndpoint("127.0.0.1", 0))
                .housekeeping(master -> housekept.incrementAndGet());
        if (withToken) {
            builder.adminToken(TOKEN);
        }
        server = builder.start();
        http = new HttpClientForTests("http://127.0.0.1:" + server.port());
    }

    private long activeMasterWithAScheduler() {
        long id = db.masters().findMasterId("victim").join();
        db.masters().setMasterState(id, true).join();
        long nightly = db.schedulers().findSchedulerId("nightly").join();
        db.schedulers().setSchedulerMaster(nightly, id).join();
        return id;
    }

    private Answer deactivate(long id, String... headers) {
        return http.send("POST", "/api/v2/masters/" + id + "/deactivate", headers);
    }

    @Test
    void shouldRefuseOperatorActionsWhenNoTokenIsConfigured() {
        startServer(false);
        long id = activeMasterWithAScheduler();

        Answer answer = deactivate(id, "Authorization", "Bearer " + TOKEN);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body())
                .isEqualTo("{\"error\": \"admin actions are off: start the daemon with --admin-token-file FILE to allow"
                        + " them\"}");
        assertThat(db.masters().getMaster(id).join().orElseThrow().active()).isTrue();
    }

    @Test
    void shouldAnswer401WithoutTokenAnd403WithAWrongOneAndChangeNothing() {
        startServer(true);
        long id = activeMasterWithAScheduler();

        Answer none = deactivate(id);
        Answer basic = deactivate(id, "Authorization", "Basic dXNlcjpwYXNz");
        Answer wrong = deactivate(id, "Authorization", "Bearer " + TOKEN + "x");
        Answer prefix = deactivate(id, "Authorization", "Bearer " + TOKEN.substring(0, 5));

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).contains("Authorization: Bearer TOKEN");
        assertThat(basic.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body()).isEqualTo("{\"error\": \"wrong admin token\"}");
        assertThat(prefix.status()).isEqualTo(403);
        assertThat(db.masters().getMaster(id).join().orElseThrow().active()).isTrue();
        assertThat(db.schedulers().getSchedulers(true, id).join()).hasSize(1);
        assertThat(housekept).hasValue(0);
    }

    @Test
    void shouldRefuseATokenThatIsShortOrNotVisibleAscii() {
        // Before, any token that was not blank was taken, "s3cr3" and "token with spaces" included.
        HttpServer.Builder builder = HttpServer.builder(api);

        assertThatThrownBy(() -> builder.adminToken("s3cr3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the admin token has 5 characters, fewer than 16: a short token can be guessed by trying;"
                        + " use a long random token");
        for (String unfit :
                List.of("token with spaces in it", "s\u00e9cret-token-0123456789", "tab\tseparated-token")) {
            assertThatThrownBy(() -> builder.adminToken(unfit))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(
                            "the admin token holds a space, a control character or a character" + " beyond ASCII");
        }
        assertThatCode(() -> builder.adminToken("0123456789abcdef")).doesNotThrowAnyException();
    }

    @Test
    void shouldTakeTheBearerSchemeInAnyCaseAsHttpDoes() {
        // Before, 'bearer TOKEN' (the scheme is case-insensitive in HTTP) was answered 401, "send the
        // header Authorization: Bearer TOKEN", to a client that had sent just that.
        startServer(true);
        long first = activeMasterWithAScheduler();

        Answer lower = deactivate(first, "Authorization", "bearer " + TOKEN);

        assertThat(lower.status()).isEqualTo(200);
        assertThat(lower.body()).isEqualTo("{\"changed\":true,\"masterid\":" + first + "}");
        assertThat(db.masters().getMaster(first).join().orElseThrow().active()).isFalse();
        assertThat(deactivate(first, "Authorization", "BEARER  " + TOKEN).status())
                .isEqualTo(200);
        assertThat(deactivate(first, "Authorization", "Bearer ").status()).isEqualTo(401);
        assertThat(deactivate(first, "Authorization", "Bearer" + TOKEN).status())
                .isEqualTo(401);
    }

    @Test
    void shouldDeactivateReleaseTheClaimsAndHousekeepOnce() {
        startServer(true);
        long id = activeMasterWithAScheduler();

        Answer first = deactivate(id, "Authorization", "Bearer " + TOKEN);
        Answer again = deactivate(id, "Authorization", "Bearer " + TOKEN);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"changed\":true,\"masterid\":" + id + "}");
        assertThat(again.body()).isEqualTo("{\"changed\":false,\"masterid\":" + id + "}");
        assertThat(db.masters().getMaster(id).join().orElseThrow().active()).isFalse();
        assertThat(db.schedulers().getSchedulers(true, null).join()).isEmpty();
        assertThat(housekept).hasValue(1);
        assertThat(deactivate(987654, "Authorization", "Bearer " + TOKEN).status())
                .isEqualTo(404);
        assertThat(http.send("POST", "/api/v2/masters/x/deactivate", "Authorization", "Bearer " + TOKEN)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void shouldHousekeepExactlyOnceWhen16OperatorsDeactivateAtOnce() throws Exception {
        startServer(true);
        long id = activeMasterWithAScheduler();
        int racers = 16;
        CyclicBarrier barrier = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<CompletableFuture<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                answers.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                barrier.await(10, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            return deactivate(id, "Authorization", "Bearer " + TOKEN);
                        },
                        pool));
            }
            long changed = 0;
            for (CompletableFuture<Answer> answer : answers) {
                Answer a = answer.get(60, TimeUnit.SECONDS);
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                if (a.body().contains("\"changed\":true")) {
                    changed++;
                }
            }
            assertThat(changed).isEqualTo(1);
            assertThat(housekept).hasValue(1);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldTellTheEventStreamAtOnce() throws Exception {
        startServer(true);
        long id = activeMasterWithAScheduler();
        try (SseClient sse = new SseClient("http://127.0.0.1:" + server.port() + "/api/v2/events")) {
            assertThat(sse.status()).isEqualTo(200);
            deactivate(id, "Authorization", "Bearer " + TOKEN);

            assertThat(sse.await("masters/" + id + "/stopped", Duration.ofSeconds(5))
                            .get("name")
                            .asText())
                    .isEqualTo("victim");
        }
    }
}
