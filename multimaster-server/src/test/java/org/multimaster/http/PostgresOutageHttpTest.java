package org.multimaster.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;
import org.multimaster.http.HttpClientForTests.Answer;

/**
 * A database that refuses connections or stops answering: the API answers 503 with the reason,
 * never 500, and answers again once the database is back. PostgreSQL lets a test refuse new
 * connections to one database without touching the shared server.
 */
class PostgresOutageHttpTest {

    TestDatabase database;
    DbConnector api;
    HttpServer server;
    HttpClientForTests http;

    @BeforeEach
    void startServer() {
        database = TestDatabase.postgres("mm_http_outage");
        database.reset();
        DbConnector.open(database.url()).close();
        api = DbConnector.builder()
                .url(database.url())
                .poolSize(2)
                .connectionTimeout(Duration.ofSeconds(1))
                .migrate(false)
                .open();
        server = HttpServer.builder(api)
                .endpoint(new HttpEndpoint("127.0.0.1", 0))
                .requestTimeout(Duration.ofSeconds(2))
                .start();
        http = new HttpClientForTests("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stopServer() throws SQLException {
        admin("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS true");
        server.close();
        api.close();
    }

    private void admin(String sql) throws SQLException {
        String url = database.url().replace("/" + database.name() + "?", "/postgres?");
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void shouldAnswer503WithTheReasonWhileTheDatabaseRefusesConnections() throws Exception {
        assertThat(http.json("/api/v2/masters").status()).isEqualTo(200);

        admin("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS false");
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database.name() + "'");
        Answer down = http.json("/api/v2/masters");

        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body()).startsWith("{\"error\": \"the database is unavailable: cannot query masters on ");
        assertThat(down.contentType()).isEqualTo("text/plain; charset=utf-8");

        admin("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS true");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline) {
            status = http.json("/api/v2/masters").status();
        }
        assertThat(status).as("answers again once the database is back").isEqualTo(200);
    }

    @Test
    void shouldAnswer503WhenTheDatabaseDoesNotAnswerInTime() throws Exception {
        try (AutoCloseable lock = database.lockMastersTable()) {
            Answer stuck = http.json("/api/v2/masters");

            assertThat(stuck.status()).isEqualTo(503);
            assertThat(stuck.body())
                    .isEqualTo("{\"error\": \"the database is unavailable: the database did not answer within 2000"
                            + " ms\"}");
        }
    }
}
