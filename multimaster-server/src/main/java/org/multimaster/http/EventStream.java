package org.multimaster.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.multimaster.json.BuildbotJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v2/events}: the cluster's events as Server-Sent Events, each
 * {@code event: event} with {@code data: {"key": [...], "message": {...}}} as Buildbot's own
 * stream writes them, plus a comment every keep-alive interval.
 *
 * <p>A slow or stuck client never delays anything: {@link #publish} only appends to each client's
 * bounded queue, and Jetty writes each queue asynchronously, one frame after the other, holding no
 * thread while a client does not read. A client whose queue overflows, or whose write fails or
 * times out (Jetty's idle timeout), is dropped; an {@code EventSource} reconnects by itself.
 *
 * <p>Thread-safe.
 */
final class EventStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    private static final ByteBuffer KEEP_ALIVE = ByteBuffer.wrap(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));

    private final int maxClients;
    private final int queueBound;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService keepAlive;

    EventStream(int maxClients, int queueBound, Duration keepAliveInterval) {
        this.maxClients = maxClients;
        this.queueBound = queueBound;
        this.keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "multimaster-sse-keepalive");
            t.setDaemon(true);
            return t;
        });
        long millis = keepAliveInterval.toMillis();
        var unused = keepAlive.scheduleWithFixedDelay(
                () -> clients.forEach(c -> c.offer(KEEP_ALIVE.duplicate())), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Starts streaming to a new client; answers 503 when too many are connected. */
    void open(Request request, Response response, Callback callback) {
        if (clients.size() >= maxClients) {
            Routes.send(
                    response,
                    Reply.error(503, "too many event stream clients (" + maxClients + "); try again later"),
                    callback);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // Stops reverse proxies (nginx) from buffering the stream.
        response.getHeaders().put("X-Accel-Buffering", "no");
        Client client = new Client(response, callback);
        clients.add(client);
        request.addFailureListener(client::close);
        client.offer(ByteBuffer.wrap("retry: 2000\n: connected\n\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends an event to every client; never blocks. */
    void publish(ClusterEvent event) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("key", event.key());
        frame.put("message", event.message());
        byte[] bytes = ("event: event\ndata: " + BuildbotJson.write(frame, BuildbotJson.Layout.SPACED) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        for (Client client : clients) {
            client.offer(ByteBuffer.wrap(bytes));
        }
    }

    /** How many clients are connected. */
    int clients() {
        return clients.size();
    }

    /** How many clients were dropped for not keeping up. */
    long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        keepAlive.shutdownNow();
        clients.forEach(c -> c.close(new java.io.IOException("server shutting down")));
    }

    /** One connected client: its bounded queue and whether a write is under way. */
    private final class Client {
        private final Response response;
        private final Callback done;
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        private boolean writing;
        private boolean closed;

        Client(Response response, Callback done) {
            this.response = response;
            this.done = done;
        }

        synchronized void offer(ByteBuffer frame) {
            if (closed) {
                return;
            }
            if (queue.size() >= queueBound) {
                dropped.incrementAndGet();
                log.info("dropping an event stream client that does not keep up ({} events waiting)", queue.size());
                close(new java.io.IOException("event stream client too slow"));
                return;
            }
            queue.add(frame);
            if (!writing) {
                writeNext();
            }
        }

        private void writeNext() {
            ByteBuffer next = queue.poll();
            if (next == null) {
                writing = false;
                return;
            }
            writing = true;
            response.write(false, next, new Callback() {
                @Override
                public void succeeded() {
                    synchronized (Client.this) {
                        if (!closed) {
                            writeNext();
                        }
                    }
                }

                @Override
                public void failed(Throwable x) {
                    close(x);
                }
            });
        }

        void close(Throwable why) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                queue.clear();
            }
            clients.remove(this);
            done.failed(why);
        }
    }
}
