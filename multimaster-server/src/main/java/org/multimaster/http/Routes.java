package org.multimaster.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.MultimasterException;
import org.multimaster.json.BuildbotJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request to the part of the server that answers it, and turns failures into JSON
 * errors: a database that fails or does not answer in time is 503 with the reason; nothing a
 * client sends can cause a 5xx otherwise.
 *
 * <p>Runs on Jetty's bounded request threads; a request may block on the database there, which
 * delays other requests at worst, never the running master. Thread-safe.
 */
final class Routes extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(Routes.class);

    private final DataApi api;
    private final EventStream events;
    private final Admin admin;
    private final Page page = new Page();
    private final @Nullable PrometheusMeterRegistry metrics;
    private final Supplier<Health> health;

    Routes(
            DataApi api,
            EventStream events,
            Admin admin,
            @Nullable PrometheusMeterRegistry metrics,
            Supplier<Health> health) {
        this.api = api;
        this.events = events;
        this.admin = admin;
        this.metrics = metrics;
        this.health = health;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String rawPath = request.getHttpURI().getPath();
        if (rawPath.equals("/api/v2/events") && HttpMethod.GET.is(request.getMethod())) {
            events.open(request, response, callback);
            return true;
        }
        Reply reply;
        try {
            reply = answer(request);
        } catch (MultimasterException e) {
            log.debug("database failure while answering {}", request.getHttpURI(), e);
            reply = Reply.error(503, "the database is unavailable: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("bug while answering {}", request.getHttpURI(), e);
            reply = Reply.error(500, "internal error (a bug in multimaster): " + e);
        }
        write(response, reply, callback);
        return true;
    }

    private Reply answer(Request request) {
        RequestTarget target = RequestTarget.parse(
                request.getHttpURI().getPath(), request.getHttpURI().getQuery());
        List<String> path = target.segments();
        String method = request.getMethod();
        boolean read = HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
        if (path.size() >= 2 && path.get(0).equals("api") && path.get(1).equals("v2")) {
            if (HttpMethod.POST.is(method)) {
                Reply reply = admin.post(target.after(2), request.getHeaders().get(HttpHeader.AUTHORIZATION));
                // Buildbot answers other POSTs with its JSON-RPC, which is not served here.
                return reply != null ? reply : Reply.error(405, "invalid HTTP method");
            }
            if (!read) {
                return Reply.error(400, "invalid HTTP method");
            }
            String accept = request.getHeaders().get(HttpHeader.ACCEPT);
            boolean json = accept != null && accept.contains("application/json");
            return api.get(target.after(2), target.query(), json);
        }
        String rawPath = request.getHttpURI().getPath();
        if (read && rawPath.equals("/metrics") && metrics != null) {
            return Reply.of(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        }
        if (read && rawPath.equals("/healthz")) {
            Health now = health.get();
            return now.healthy()
                    ? Reply.of(
                            200,
                            Reply.JSON,
                            BuildbotJson.compact(java.util.Map.of("status", "ok", "detail", now.detail())))
                    : Reply.error(503, now.detail());
        }
        Reply file = read ? page.get(rawPath) : null;
        if (file != null) {
            return file;
        }
        return Reply.error(404, "no such page: " + request.getHttpURI().getPath());
    }

    private static void write(Response response, Reply reply, Callback callback) {
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    /** Writes a reply; for the parts of the server that answer asynchronously. */
    static void send(Response response, Reply reply, Callback callback) {
        write(response, reply, callback);
    }
}
