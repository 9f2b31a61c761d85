package org.multimaster.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Sends requests to a server under test and returns what came back. Thread-safe. */
final class HttpClientForTests {

    /** One answer. */
    record Answer(int status, String contentType, String body) {}

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** @param base e.g. {@code http://127.0.0.1:8010} (no trailing slash) */
    HttpClientForTests(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** GET with {@code Accept: application/json}: compact JSON, as Buildbot's web UI asks. */
    Answer json(String pathAndQuery) {
        return send(
                request(pathAndQuery).header("Accept", "application/json").GET().build());
    }

    /** GET without an Accept header, as curl sends it: indented JSON as text. */
    Answer text(String pathAndQuery) {
        return send(request(pathAndQuery).GET().build());
    }

    /** Any request. */
    Answer send(String method, String pathAndQuery, String... headers) {
        HttpRequest.Builder builder = request(pathAndQuery).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder.build());
    }

    /**
     * GET over a plain socket with the request target exactly as given, even where
     * {@link java.net.URI} would refuse it (a stray {@code %}, raw bytes).
     */
    Answer raw(String target, boolean json) {
        URI base = URI.create(this.base);
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String request = "GET " + target + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + (json ? "Accept: application/json\r\n" : "") + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String response =
                    new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int headerEnd = response.indexOf("\r\n\r\n");
            String[] head = response.substring(0, headerEnd).split("\r\n");
            String contentType = "";
            for (String header : head) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
                    contentType = header.substring("content-type:".length()).strip();
                }
            }
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), contentType, response.substring(headerEnd + 4));
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + target + " failed", e);
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
