package org.multimaster.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads the event stream of a server under test, one {@code data:} message at a time. */
final class SseClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    SseClient(String url) {
        HttpClient client = HttpClient.newHttpClient();
        response = client.sendAsync(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> new Thread(
                        () -> {
                            try {
                                r.body().filter(l -> l.startsWith("data: ")).forEach(l -> {
                                    try {
                                        events.add(JSON.readTree(l.substring("data: ".length())));
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                });
                            } catch (UncheckedIOException e) {
                                // closed
                            }
                        },
                        "sse-test-reader")
                .start());
    }

    /** The status of the response, once its head has arrived. */
    int status() throws Exception {
        return response.get(10, TimeUnit.SECONDS).statusCode();
    }

    /**
     * Waits for the next event whose key is {@code key} (e.g. {@code masters/7/stopped}), skipping
     * others.
     *
     * @throws AssertionError if none arrives in time
     */
    JsonNode await(String key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode event = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no event " + key + " within " + timeout);
            }
            String got = String.join(
                    "/",
                    java.util.stream.StreamSupport.stream(event.get("key").spliterator(), false)
                            .map(JsonNode::asText)
                            .toList());
            if (got.equals(key)) {
                return event.get("message");
            }
        }
    }

    /** Events received and not yet awaited. */
    int pending() {
        return events.size();
    }

    @Override
    public void close() {
        response.thenAccept(r -> r.body().close());
        response.cancel(true);
    }
}
