package org.multimaster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.multimaster.db.DbConnector;
import org.multimaster.http.HttpEndpoint;
import org.multimaster.http.HttpServer;

/**
 * The pages of the listing scenario asked through multimaster's HTTP data API, as a client of a
 * daemon asks them: the server runs in this process on a loopback port, with a connector of its own
 * holding as many connections as the daemon's API pool, and each call is a {@code GET} for compact
 * JSON over one kept-alive connection, on the calling thread ({@link HttpURLConnection}, whose
 * blocking client adds no thread of its own), and its whole answer is read. Its time is the
 * connector's page plus the request, the server's threads and the JSON. Not thread-safe: the
 * scenarios that use it have one caller.
 */
final class HttpSide implements Side {

    /**
     * The cluster watcher reads every master at each poll, for the event stream and the page; no one
     * listens here, and with 100,000 masters its reads would run between the timed calls.
     */
    private static final Duration WATCHER_POLL = Duration.ofHours(24);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DbConnector api;
    private final HttpServer server;
    private final URL activePage;
    private final URL namePage;
    /** The last answer of a batch, checked once the batch's calls are timed. */
    private byte[] lastAnswer = new byte[0];

    private HttpSide(DbConnector api, HttpServer server) {
        this.api = api;
        this.server = server;
        // The same queries as the connector's pages (ConnectorSide.ACTIVE_PAGE and NAME_PAGE).
        this.activePage = url("api/v2/masters?active=true&order=-last_active&limit=50");
        this.namePage = url("api/v2/masters?order=name&limit=50");
    }

    /** Starts the server on a free loopback port, reading the database at {@code url}. */
    static HttpSide start(String url) {
        DbConnector api = DbConnector.builder()
                .url(url)
                .poolName("multimaster-bench-api")
                .poolSize(HttpServer.API_POOL_SIZE)
                .migrate(false)
                .open();
        try {
            HttpServer server = HttpServer.builder(api)
                    .endpoint(new HttpEndpoint("127.0.0.1", 0))
                    .poll(WATCHER_POLL)
                    .start();
            return new HttpSide(api, server);
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public boolean supports(Operation op) {
        return op == Operation.PAGE_ACTIVE || op == Operation.PAGE_BY_NAME;
    }

    @Override
    public long[] run(Workload.Batch batch) throws Exception {
        URL request = switch (batch.op()) {
            case PAGE_ACTIVE -> activePage;
            case PAGE_BY_NAME -> namePage;
            default -> throw new IllegalArgumentException(batch.op() + " has no HTTP request");
        };
        long[] nanos = Side.timeEach(batch, (op, id, name) -> lastAnswer = send(request));
        if (nanos.length > 0) {
            check(lastAnswer);
        }
        return nanos;
    }

    private static byte[] send(URL url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        // As a program asks: compact JSON, not the indented text a browser is answered.
        connection.setRequestProperty("Accept", "application/json");
        int status = connection.getResponseCode();
        // Reading each answer to its end keeps the connection alive for the next request.
        try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            byte[] body = in == null ? new byte[0] : in.readAllBytes();
            if (status != 200) {
                throw new BenchException(
                        "GET " + url + " answered " + status + ": " + new String(body, StandardCharsets.UTF_8));
            }
            return body;
        }
    }

    /**
     * Checks, outside the timed calls, that the answer is a first page of 50 with its total: as many
     * masters as the total holds, up to 50.
     */
    private static void check(byte[] body) throws IOException {
        JsonNode page = JSON.readTree(body);
        JsonNode total = page.at("/meta/total");
        if (!page.path("masters").isArray()
                || !total.canConvertToLong()
                || page.get("masters").size() != Math.min(50, total.asLong())) {
            throw new BenchException("the HTTP API did not answer a page of 50 with its total: "
                    + new String(body, StandardCharsets.UTF_8));
        }
    }

    private URL url(String path) {
        try {
            return URI.create(server.url() + path).toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            api.close();
        }
    }
}
