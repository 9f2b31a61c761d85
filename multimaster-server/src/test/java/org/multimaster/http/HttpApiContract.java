package org.multimaster.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;
import org.multimaster.http.HttpClientForTests.Answer;

/**
 * Buildbot's data API over HTTP on a real database, run against each database by a tiny subclass:
 * the exact JSON of Buildbot's examples, every query option and every error status.
 *
 * <p>Masters 7 and 8 are those of Buildbot's own data API examples; 9 and 10 make the queries
 * select distinct sets. Scheduler 1 and change source 1 run on master 8, scheduler 3 on master 9.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpApiContract {

    static final String M7 = "{\"active\":false,\"last_active\":1348971992,\"masterid\":7,\"name\":\"master-7\"}";
    static final String M8 = "{\"active\":true,\"last_active\":1008971992,\"masterid\":8,\"name\":\"master-8\"}";
    static final String M9 = "{\"active\":true,\"last_active\":1700000000,\"masterid\":9,\"name\":\"\\u00c4rger:/x\"}";
    static final String M10 = "{\"active\":false,\"last_active\":1700000000,\"masterid\":10,\"name\":\"beta\"}";

    TestDatabase database;
    ServedApi served;
    HttpClientForTests http;

    abstract TestDatabase database(Path dir);

    @BeforeAll
    void startServer(@TempDir Path dir) throws SQLException {
        database = database(dir);
        database.reset();
        DbConnector.open(database.url()).close(); // creates the schema
        insertFixture();
        served = ServedApi.on(database.url(), server -> server.requestTimeout(java.time.Duration.ofSeconds(3)));
        http = new HttpClientForTests(served.base());
    }

    @AfterAll
    void stopServer() {
        if (served != null) {
            served.close();
        }
    }

    private void insertFixture() throws SQLException {
        try (Connection c = database.connect()) {
            new FixtureRows(c)
                    .master(7, "master-7", false, 1348971992L)
                    .master(8, "master-8", true, 1008971992L)
                    .master(9, "\u00c4rger:/x", true, 1700000000L)
                    .master(10, "beta", false, 1700000000L)
                    .scheduler(1, "nightly", true, 8L)
                    .scheduler(2, "hourly", false, null)
                    .scheduler(3, "weekly", true, 9L)
                    .changeSource(1, "git", 8L)
                    .changeSource(2, "svn", null);
        }
    }

    static String masters(long total, String... items) {
        return "{\"masters\":[" + String.join(",", items) + "],\"meta\":{\"total\":" + total + "}}";
    }

    void assertJson(String pathAndQuery, String body) {
        Answer answer = http.json(pathAndQuery);
        assertThat(answer.body()).as("GET %s", pathAndQuery).isEqualTo(body);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/json; charset=utf-8");
    }

    void assertError(String pathAndQuery, int status, String message) {
        Answer answer = http.json(pathAndQuery);
        assertThat(answer.status()).as("status of GET %s", pathAndQuery).isEqualTo(status);
        assertThat(answer.body())
                .as("GET %s", pathAndQuery)
                .isEqualTo("{\"error\": \"" + message.replace("'", "'") + "\"}");
        assertThat(answer.contentType()).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void shouldServeTheMastersOfBuildbotsExamplesExactly() {
        assertJson("/api/v2/masters", masters(4, M7, M8, M9, M10));
        assertJson("/api/v2/masters/7", "{\"masters\":[" + M7 + "],\"meta\":{}}");
        assertJson("/api/v2/masters/8", "{\"masters\":[" + M8 + "],\"meta\":{}}");
    }

    @Test
    void shouldIndentForClientsThatDoNotAskForJsonAsBuildbotDoes() {
        Answer answer = http.text("/api/v2/masters/7");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(answer.body())
                .isEqualTo("{\n  \"masters\": [\n    {\n      \"active\": false,\n      \"last_active\": 1348971992,\n"
                        + "      \"masterid\": 7,\n      \"name\": \"master-7\"\n    }\n  ],\n  \"meta\": {}\n}");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "masterid=8|8",
                "masterid=8&masterid=10|8,10",
                "masterid__ne=8|7,9,10",
                "masterid__lt=9|7,8",
                "masterid__le=9|7,8,9",
                "masterid__gt=8|9,10",
                "masterid__ge=+9|9,10",
                "masterid__in=7&masterid__in=9|7,9",
                "masterid__notin=7&masterid__notin=9|8,10",
                "name=beta|10",
                "name=BETA|''",
                "name__contains=aster|7,8",
                "name__contains=%C3%84|9",
                "name__gt=c|7,8,9",
                "name__lt=master-8|7,10",
                "name=master-7%00|''",
                "name__contains=%00|''",
                "name__contains=%00&name__contains=a|7,8,10",
                "name__le=master-7%00|7,10",
                "name__gt=master-7%00x|8,9",
                "active=true|8,9",
                "active=OFF|7,10",
                "active__ne=1|7,10",
                "active__gt=false|8,9",
                "last_active=1700000000|9,10",
                "last_active__lt=1348971992|8",
                "last_active__ge=2012-09-30T02:26:32Z|7,9,10",
                "last_active__le=2002-01-01T00:00:00%2B01:00|8",
                "active=1&last_active__gt=1100000000|9",
                "order=-masterid|10,9,8,7",
                "order=name|10,7,8,9",
                "order=-active&order=-last_active&order=masterid|9,8,10,7",
                "order=last_active&order=-name|8,7,9,10",
                "name__like=x|7,8,9,10",
                "nosuch__eq=x|7,8,9,10",
                "masterid__lt=8&masterid__lt=9|7,8,9,10",
                "name__contains=r&name__contains=xy|7,8,9",
                "property=x|7,8,9,10",
            })
    void shouldRunEveryQueryOptionInTheDatabase(String query, String ids) {
        StringBuilder expected = new StringBuilder();
        int count = 0;
        for (String id : ids.isEmpty() ? new String[0] : ids.split(",")) {
            if (count++ > 0) {
                expected.append(',');
            }
            expected.append(
                    switch (id) {
                        case "7" -> M7;
                        case "8" -> M8;
                        case "9" -> M9;
                        default -> M10;
                    });
        }
        assertJson("/api/v2/masters?" + query, "{\"masters\":[" + expected + "],\"meta\":{\"total\":" + count + "}}");
    }

    @Test
    void shouldPageAfterCountingTheTotal() {
        assertJson("/api/v2/masters?limit=2", masters(4, M7, M8));
        assertJson("/api/v2/masters?limit=2&offset=1", masters(4, M8, M9));
        assertJson("/api/v2/masters?offset=3", masters(4, M10));
        assertJson("/api/v2/masters?limit=0", masters(4));
        assertJson("/api/v2/masters?offset=10", masters(4));
        assertJson("/api/v2/masters?offset=-1", masters(4, M10));
        assertJson("/api/v2/masters?limit=-1", masters(4, M7, M8, M9));
        assertJson("/api/v2/masters?active=1&order=-masterid&limit=1", masters(2, M9));
        assertJson("/api/v2/masters?limit=%201_0%20", masters(4, M7, M8, M9, M10));
    }

    @Test
    void shouldSelectFields() {
        assertJson(
                "/api/v2/masters?field=name&field=masterid&order=-name&limit=2",
                "{\"masters\":[{\"masterid\":9,\"name\":\"\\u00c4rger:/x\"},{\"masterid\":8,\"name\":\"master-8\"}],"
                        + "\"meta\":{\"total\":4}}");
        assertJson("/api/v2/masters/7?field=active", "{\"masters\":[{\"active\":false}],\"meta\":{}}");
        assertJson("/api/v2/masters/7?order=name&limit=0&offset=3", "{\"masters\":[" + M7 + "],\"meta\":{}}");
    }

    @Test
    void shouldServeSchedulersAndChangeSourcesWithTheirMastersNested() {
        String nightly = "{\"enabled\":true,\"master\":" + M8 + ",\"name\":\"nightly\",\"schedulerid\":1}";
        String hourly = "{\"enabled\":false,\"master\":null,\"name\":\"hourly\",\"schedulerid\":2}";
        String weekly = "{\"enabled\":true,\"master\":" + M9 + ",\"name\":\"weekly\",\"schedulerid\":3}";
        String git = "{\"changesourceid\":1,\"master\":" + M8 + ",\"name\":\"git\"}";
        String svn = "{\"changesourceid\":2,\"master\":null,\"name\":\"svn\"}";

        assertJson(
                "/api/v2/schedulers",
                "{\"meta\":{\"total\":3},\"schedulers\":[" + nightly + "," + hourly + "," + weekly + "]}");
        assertJson("/api/v2/schedulers/2", "{\"meta\":{},\"schedulers\":[" + hourly + "]}");
        assertJson("/api/v2/masters/8/schedulers", "{\"meta\":{\"total\":1},\"schedulers\":[" + nightly + "]}");
        assertJson("/api/v2/masters/8/schedulers/1", "{\"meta\":{},\"schedulers\":[" + nightly + "]}");
        assertJson("/api/v2/masters/7/schedulers", "{\"meta\":{\"total\":0},\"schedulers\":[]}");
        assertJson(
                "/api/v2/schedulers?enabled=1&order=-name",
                "{\"meta\":{\"total\":2},\"schedulers\":[" + weekly + "," + nightly + "]}");
        assertJson(
                "/api/v2/schedulers?order=master&field=name&field=master",
                "{\"meta\":{\"total\":3},\"schedulers\":[{\"master\":null,\"name\":\"hourly\"},{\"master\":" + M8
                        + ",\"name\":\"nightly\"},{\"master\":" + M9 + ",\"name\":\"weekly\"}]}");
        assertJson("/api/v2/changesources", "{\"changesources\":[" + git + "," + svn + "],\"meta\":{\"total\":2}}");
        assertJson("/api/v2/changesources/2", "{\"changesources\":[" + svn + "],\"meta\":{}}");
        assertJson("/api/v2/masters/8/changesources", "{\"changesources\":[" + git + "],\"meta\":{\"total\":1}}");
        assertJson("/api/v2/masters/8/changesources/1", "{\"changesources\":[" + git + "],\"meta\":{}}");
        assertJson(
                "/api/v2/changesources?name__contains=v", "{\"changesources\":[" + svn + "],\"meta\":{\"total\":1}}");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "/api/v2/masters?bogus=1|400|unrecognized query parameter 'bogus'",
                "/api/v2/masters?limit=x|400|invalid limit",
                "/api/v2/masters?offset=1.0|400|invalid offset",
                "/api/v2/masters?order=nosuch|400|no such field 'nosuch'",
                "/api/v2/masters?field=nosuch|400|no such field 'nosuch'",
                "/api/v2/masters?masterid=x|400|invalid filter value for masterid",
                "/api/v2/masters?active__eq=maybe|400|invalid filter value for active__eq",
                "/api/v2/masters?last_active__gt=later|400|invalid filter value for last_active__gt",
                "/api/v2/masters?name=%FF|400|invalid filter value for name",
                "/api/v2/masters?field=name&order=masterid|400|cannot order on un-selected fields",
                "/api/v2/masters?field=name&active=1|400|cannot filter on un-selected fields",
                "/api/v2/masters/7?name=x|400|this is not a collection",
                "/api/v2/schedulers?master=8|400|invalid filter value for master",
                "/api/v2/schedulers?masterid=8|400|unrecognized query parameter 'masterid'",
                "/api/v2/masters?name__contains=x&masterid__contains=1|400|invalid operator contains for integer field"
                        + " masterid: contains takes a string field",
                "/api/v2/masters?order=|400|unknown order field ''; valid fields are [masterid, name, active,"
                        + " last_active]",
                "/api/v2/masters/99|404|not found while getting from endpoint for /masters/n:masterid,"
                        + "/builders/n:builderid/masters/n:masterid with arguments ResultSpec(**{'filters': [],"
                        + " 'fields': None, 'properties': [], 'order': None, 'limit': None, 'offset': None})"
                        + " and {'masterid': 99}",
                "/api/v2/masters/99?field=name&order=-name&limit=2&offset=0&property=x|404|not found while getting"
                        + " from endpoint for /masters/n:masterid,/builders/n:builderid/masters/n:masterid with"
                        + " arguments ResultSpec(**{'filters': [], 'fields': ['name'], 'properties':"
                        + " [resultspec.Property('b'property'','eq',['x'])], 'order': ('-name',), 'limit': 2,"
                        + " 'offset': 0}) and {'masterid': 99}",
                "/api/v2/schedulers/99|404|not found while getting from endpoint for /schedulers/n:schedulerid,"
                        + "/masters/n:masterid/schedulers/n:schedulerid with arguments ResultSpec(**{'filters': [],"
                        + " 'fields': None, 'properties': [], 'order': None, 'limit': None, 'offset': None})"
                        + " and {'schedulerid': 99}",
                "/api/v2/masters/7/schedulers/1|404|not found while getting from endpoint for"
                        + " /schedulers/n:schedulerid,/masters/n:masterid/schedulers/n:schedulerid with arguments"
                        + " ResultSpec(**{'filters': [], 'fields': None, 'properties': [], 'order': None, 'limit':"
                        + " None, 'offset': None}) and {'masterid': 7, 'schedulerid': 1}",
                "/api/v2/masters/7/schedulers/99|404|no scheduler has id 99",
                "/api/v2/masters/99/changesources/9|404|no change source has id 9",
                "/api/v2/masters/abc|404|Invalid path: masters/abc",
                "/api/v2/masters/|404|Invalid path: masters/",
                "/api/v2/nosuch|404|Invalid path: nosuch",
                "/api/v2/masters/7/nosuch|404|Invalid path: masters/7/nosuch",
                "/api/v2/masters%2F7|404|Invalid path: masters/7",
            })
    void shouldAnswerEveryMistakeWithItsStatusAndAnErrorBody(String pathAndQuery, int status, String message) {
        assertError(pathAndQuery, status, message);
    }

    @Test
    void shouldReadPathIdsAsBuildbotDoes() {
        assertJson("/api/v2/masters/%207", "{\"masters\":[" + M7 + "],\"meta\":{}}");
        assertJson("/api/v2/masters/+8", "{\"masters\":[" + M8 + "],\"meta\":{}}");
        assertJson("/api/v2/masters/1_0", "{\"masters\":[" + M10 + "],\"meta\":{}}");
    }

    @Test
    void shouldRefuseMethodsThatChangeNothingHere() {
        assertThat(http.send("DELETE", "/api/v2/masters/7").status()).isEqualTo(400);
        Answer post = http.send("POST", "/api/v2/masters");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.body()).isEqualTo("{\"error\": \"invalid HTTP method\"}");
        Answer head = http.send("HEAD", "/api/v2/masters");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }
}
