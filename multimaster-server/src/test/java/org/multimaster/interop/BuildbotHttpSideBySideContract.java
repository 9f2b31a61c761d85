package org.multimaster.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multimaster.http.FixtureRows;
import org.multimaster.http.ServedApi;

/**
 * multimaster's HTTP data API beside real Buildbot 3.7 on the same database: for every request
 * that Buildbot answers below 500, the same status, content type and body, byte for byte, both
 * for JSON clients ({@code Accept: application/json}, compact) and for browsers (indented). Where
 * Buildbot answers 500, multimaster answers 4xx with an error body. The few deliberate differences
 * are pinned one by one in {@link #shouldDifferFromBuildbotOnlyWhereBuildbotIsWrong()}.
 *
 * <p>Buildbot's own master (id 1) is running, checking in every minute: each comparison asks
 * Buildbot before and after multimaster and retries until Buildbot's two answers agree. The
 * fixture's active masters checked in "in 2038" (the last second a 32-bit last_active holds), so that no master expires anyone during the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BuildbotHttpSideBySideContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Buildbot.RunningMaster buildbotMaster;
    private ServedApi served;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> naturalOrder = new ArrayList<>();

    /** The backend under test, with any files it needs in {@code dir}. */
    protected abstract InteropDatabase database(Path dir);

    @BeforeAll
    void startBuildbotAndMultimaster(@TempDir Path dir) throws Exception {
        Buildbot buildbot = Buildbot.require(dir.resolve("buildbot"));
        InteropDatabase db = database(dir.resolve("db"));
        db.requireDriver(buildbot);
        db.database().reset();
        Path basedir = dir.resolve("basedir");
        buildbot.createMaster(basedir, db.buildbotUrl());
        buildbotMaster = buildbot.startMaster(basedir, db.buildbotUrl());
        insertFixture(db);
        served = ServedApi.on(db.buildbotUrl());
    }

    @AfterAll
    void stop() {
        if (!naturalOrder.isEmpty()) {
            System.out.println("Buildbot listed rows in the database's natural order, not by id, for " + naturalOrder);
        }
        if (served != null) {
            served.close();
        }
        if (buildbotMaster != null) {
            buildbotMaster.close();
        }
    }

    private static void insertFixture(InteropDatabase db) throws Exception {
        try (Connection c = db.database().connect()) {
            new FixtureRows(c)
                    .master(7, "master-7", false, 1348971992L)
                    .master(8, "master-8", true, 2147483000L)
                    .master(9, "\u00c4rger:/x", true, 2147483001L)
                    .master(10, "beta", false, 1700000000L)
                    .master(11, "Beta", false, 1008971992L)
                    .scheduler(5, "nightly", true, 8L)
                    .scheduler(6, "hourly", false, null)
                    .scheduler(7, "weekly", true, 9L)
                    .changeSource(3, "git", 8L)
                    .changeSource(4, "svn", null);
        }
    }

    /** Requests that Buildbot answers below 500, each as a path and query, already percent-encoded. */
    static Stream<String> sameAnswers() {
        return Stream.of(
                "/api/v2/masters",
                "/api/v2/masters?order=-masterid",
                "/api/v2/masters?order=name",
                "/api/v2/masters?order=-name",
                "/api/v2/masters?order=active&order=-masterid",
                "/api/v2/masters?order=-active&order=name",
                "/api/v2/masters?order=last_active",
                "/api/v2/masters?masterid=7",
                "/api/v2/masters?masterid=7&masterid=9",
                "/api/v2/masters?masterid__eq=%207%20",
                "/api/v2/masters?masterid=1_0",
                "/api/v2/masters?masterid=%2B8",
                "/api/v2/masters?masterid=99999999999999999999999",
                "/api/v2/masters?masterid__ne=7",
                "/api/v2/masters?masterid__ne=7&masterid__ne=8",
                "/api/v2/masters?masterid__lt=9",
                "/api/v2/masters?masterid__le=9",
                "/api/v2/masters?masterid__gt=8",
                "/api/v2/masters?masterid__ge=8",
                "/api/v2/masters?masterid__in=7&masterid__in=10",
                "/api/v2/masters?masterid__notin=7&masterid__notin=10",
                "/api/v2/masters?name=beta",
                "/api/v2/masters?name=Beta",
                "/api/v2/masters?name=BETA",
                "/api/v2/masters?name=%C3%84rger%3A%2Fx",
                "/api/v2/masters?name=master-7&name=beta",
                "/api/v2/masters?name__ne=beta",
                "/api/v2/masters?name__contains=eta",
                "/api/v2/masters?name__contains=aster",
                "/api/v2/masters?name__contains=%C3%84",
                "/api/v2/masters?name__contains=B&name__contains=xyz",
                "/api/v2/masters?name__lt=c",
                "/api/v2/masters?name__le=beta",
                "/api/v2/masters?name__gt=beta",
                "/api/v2/masters?name__ge=master-8",
                "/api/v2/masters?name__in=beta&name__in=Beta",
                "/api/v2/masters?name__notin=beta&name__notin=Beta",
                "/api/v2/masters?active=true",
                "/api/v2/masters?active=0",
                "/api/v2/masters?active=ON",
                "/api/v2/masters?active=Yes",
                "/api/v2/masters?active__ne=yes",
                "/api/v2/masters?active__gt=false",
                "/api/v2/masters?active__le=false",
                "/api/v2/masters?active__in=1&active__in=0",
                "/api/v2/masters?active=1&name__contains=a",
                "/api/v2/masters?masterid__ge=7&limit=2",
                "/api/v2/masters?masterid__ge=7&limit=2&offset=1",
                "/api/v2/masters?masterid__ge=7&offset=3",
                "/api/v2/masters?masterid__ge=7&offset=30",
                "/api/v2/masters?limit=0",
                "/api/v2/masters?masterid__ge=7&offset=-2",
                "/api/v2/masters?masterid__ge=7&limit=-1",
                "/api/v2/masters?masterid__ge=7&offset=-3&limit=2",
                "/api/v2/masters?masterid__ge=7&offset=1&limit=-2",
                "/api/v2/masters?order=-masterid&limit=%203%20",
                "/api/v2/masters?order=name&limit=2&offset=2",
                "/api/v2/masters?field=name",
                "/api/v2/masters?field=name&field=masterid&order=-name",
                "/api/v2/masters?field=active&active=1",
                "/api/v2/masters?field=masterid&field=masterid",
                "/api/v2/masters?property=x",
                "/api/v2/masters?name__like=x",
                "/api/v2/masters?nosuch__eq=1",
                "/api/v2/masters?masterid__lt=8&masterid__lt=9",
                "/api/v2/masters?a__b__c=1",
                "/api/v2/masters?limit",
                "/api/v2/masters?masterid=7;masterid=8",
                "/api/v2/masters?name=master+7&name=master-7",
                "/api/v2/masters/7",
                "/api/v2/masters/8",
                "/api/v2/masters/%207",
                "/api/v2/masters/+8",
                "/api/v2/masters/7?field=name",
                "/api/v2/masters/7?field=name&field=active",
                "/api/v2/masters/7?order=name&limit=1&offset=5",
                "/api/v2/masters/99",
                "/api/v2/masters/-1",
                "/api/v2/masters/99?field=name&order=-name&limit=2",
                "/api/v2/masters/99?order=name&order=-active&offset=0&property=p",
                "/api/v2/masters/abc",
                "/api/v2/masters/",
                "/api/v2/masters/7/",
                "/api/v2/nosuch",
                "/api/v2/masters/7/nosuch",
                "/api/v2/masters%2F7",
                "/api/v2/masters/7?name=x",
                "/api/v2/masters/7?masterid__lt=8",
                "/api/v2/masters?bogus=1",
                "/api/v2/masters?Name=x",
                "/api/v2/masters?=x",
                "/api/v2/masters?limit=x",
                "/api/v2/masters?limit=1.5",
                "/api/v2/masters?offset=_1",
                "/api/v2/masters?order=nosuch",
                "/api/v2/masters?order=-nosuch",
                "/api/v2/masters?order=--name",
                "/api/v2/masters?order=-",
                "/api/v2/masters?field=nosuch",
                "/api/v2/masters?field=-name",
                "/api/v2/masters?masterid=x",
                "/api/v2/masters?masterid__gt=1e3",
                "/api/v2/masters?active=maybe",
                "/api/v2/masters?active=%20true",
                "/api/v2/masters?name=%FF",
                "/api/v2/masters?last_active__gt=abc",
                "/api/v2/masters?masterid__contains=x",
                "/api/v2/masters?field=name&order=masterid",
                "/api/v2/masters?field=name&active=1",
                "/api/v2/masters?limit=x&bogus=1",
                "/api/v2/masters?bogus=1&limit=x",
                "/api/v2/schedulers",
                "/api/v2/schedulers?order=-name",
                "/api/v2/schedulers?order=-schedulerid",
                "/api/v2/schedulers?enabled=0",
                "/api/v2/schedulers?enabled__ne=0",
                "/api/v2/schedulers?name__contains=ly",
                "/api/v2/schedulers?schedulerid__ge=5&order=schedulerid&limit=1&offset=1",
                "/api/v2/schedulers?field=name&field=schedulerid",
                "/api/v2/schedulers?field=master&field=schedulerid",
                "/api/v2/schedulers/5",
                "/api/v2/schedulers/6",
                "/api/v2/schedulers/5?field=master",
                "/api/v2/schedulers/99",
                "/api/v2/masters/8/schedulers",
                "/api/v2/masters/8/schedulers?order=-name",
                "/api/v2/masters/99/schedulers",
                "/api/v2/masters/8/schedulers/5",
                "/api/v2/masters/7/schedulers/5",
                "/api/v2/schedulers?master=1",
                "/api/v2/schedulers?master__eq=1",
                "/api/v2/schedulers?masterid=8",
                "/api/v2/changesources",
                "/api/v2/changesources?order=-changesourceid",
                "/api/v2/changesources?name=svn",
                "/api/v2/changesources?field=name",
                "/api/v2/changesources/3",
                "/api/v2/changesources/4?field=master&field=name",
                "/api/v2/changesources/99",
                "/api/v2/masters/8/changesources",
                "/api/v2/masters/8/changesources/3",
                "/api/v2/masters/9/changesources/3",
                "/api/v2/changesources?master=x",
                "/api/v2/changesources?enabled=1");
    }

    @ParameterizedTest
    @MethodSource("sameAnswers")
    void shouldAnswerAsBuildbotDoesForJsonClients(String request) throws Exception {
        compare(request, true);
    }

    @ParameterizedTest
    @MethodSource("sameAnswers")
    void shouldAnswerAsBuildbotDoesForBrowsers(String request) throws Exception {
        compare(request, false);
    }

    /** Requests that Buildbot answers 500 (a bug): multimaster answers them correctly. */
    @Test
    void shouldAnswerCorrectlyWhereBuildbotFailsWith500() throws Exception {
        assertThat(buildbot("/api/v2/masters?last_active__gt=1348971992", true).status())
                .isEqualTo(500);
        assertThat(ids(ours("/api/v2/masters?last_active__gt=1348971992", true)))
                .contains(1L, 8L, 9L, 10L)
                .doesNotContain(7L, 11L);
        for (String request : List.of(
                "/api/v2/masters?order=",
                "/api/v2/masters?field=",
                "/api/v2/masters?masterid__contains=1",
                "/api/v2/masters?active__contains=1",
                "/api/v2/masters?%FF=1",
                "/api/v2/masters/1/schedulers/999",
                "/api/v2/masters/%FF")) {
            assertThat(buildbot(request, true).status())
                    .as("Buildbot on %s", request)
                    .isEqualTo(500);
            Answer ours = ours(request, true);
            assertThat(ours.status()).as("multimaster on %s", request).isBetween(400, 499);
            assertThat(JSON.readTree(ours.body()).get("error").isTextual()).isTrue();
        }
    }

    /**
     * Where multimaster deliberately answers differently: Buildbot compares {@code last_active}, a
     * datetime, with the integer of the query, so {@code eq} never matches and {@code ne} always
     * does; and it takes no ISO-8601 time. multimaster answers what the filter says.
     */
    @Test
    void shouldDifferFromBuildbotOnlyWhereBuildbotIsWrong() throws Exception {
        assertThat(ids(buildbot("/api/v2/masters?last_active=1348971992", true)))
                .isEmpty();
        assertThat(ids(ours("/api/v2/masters?last_active=1348971992", true))).containsExactly(7L);

        assertThat(ids(buildbot("/api/v2/masters?last_active__ne=1348971992", true)))
                .containsExactlyInAnyOrder(1L, 7L, 8L, 9L, 10L, 11L);
        assertThat(ids(ours("/api/v2/masters?last_active__ne=1348971992", true)))
                .containsExactly(1L, 8L, 9L, 10L, 11L);

        Answer iso = buildbot("/api/v2/masters?last_active__le=2012-09-30T02:26:32Z", true);
        assertThat(iso.status()).isEqualTo(400);
        assertThat(iso.body()).isEqualTo("{\"error\": \"invalid filter value for last_active__le\"}");
        assertThat(ids(ours("/api/v2/masters?last_active__le=2012-09-30T02:26:32Z", true)))
                .containsExactly(7L, 11L);
    }

    private void compare(String request, boolean json) throws Exception {
        Answer before;
        Answer ours;
        Answer after;
        int attempts = 0;
        do {
            before = buildbot(request, json);
            ours = ours(request, json);
            after = buildbot(request, json);
        } while (!before.equals(after) && ++attempts < 5);
        assertThat(after).as("Buildbot answers %s twice alike", request).isEqualTo(before);
        assertThat(before.status())
                .as("Buildbot's status for %s (%s)", request, before.body())
                .isLessThan(500);
        assertThat(ours.status()).as("status of %s (%s)", request, ours.body()).isEqualTo(before.status());
        assertThat(ours.contentType()).as("content type of %s", request).isEqualTo(before.contentType());
        if (!ours.body().equals(before.body()) && !request.contains("order=") && before.status() == 200) {
            // Buildbot lists rows in the database's natural order (no ORDER BY), which an update can
            // change on PostgreSQL; multimaster lists them by id, as Buildbot's documentation says.
            assertThat(byId(ours.body())).as("%s sorted by id", request).isEqualTo(byId(before.body()));
            naturalOrder.add(request);
            return;
        }
        assertThat(ours.body()).as("body of %s", request).isEqualTo(before.body());
    }

    private static JsonNode byId(String body) throws IOException {
        JsonNode root = JSON.readTree(body);
        root.fields().forEachRemaining(entry -> {
            if (entry.getValue() instanceof ArrayNode items) {
                List<JsonNode> sorted = new ArrayList<>();
                items.forEach(sorted::add);
                sorted.sort((a, b) -> Long.compare(key(a), key(b)));
                items.removeAll();
                sorted.forEach(items::add);
            }
        });
        return root;
    }

    private static long key(JsonNode item) {
        for (String id : List.of("masterid", "schedulerid", "changesourceid")) {
            if (item.has(id)) {
                return item.get(id).asLong();
            }
        }
        return 0;
    }

    private static List<Long> ids(Answer answer) throws IOException {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        JSON.readTree(answer.body())
                .get("masters")
                .forEach(m -> ids.add(m.get("masterid").asLong()));
        return ids;
    }

    private Answer buildbot(String request, boolean json) throws Exception {
        return get("http://127.0.0.1:" + buildbotMaster.webPort() + request, json);
    }

    private Answer ours(String request, boolean json) throws Exception {
        return get(served.base() + request, json);
    }

    private Answer get(String url, boolean json) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (json) {
            builder.header("Accept", "application/json");
        }
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    /** One answer. */
    record Answer(int status, String contentType, String body) {}
}
