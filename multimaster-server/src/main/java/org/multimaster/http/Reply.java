package org.multimaster.http;

import java.util.Map;
import java.util.Objects;
import org.multimaster.json.BuildbotJson;

/**
 * One HTTP answer, built before anything is written: status, content type, body and extra headers.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type}
 * @param body the body, UTF-8 encoded when written
 * @param headers extra headers
 */
record Reply(int status, String contentType, String body, Map<String, String> headers) {

    /** Buildbot's content type for JSON a browser may display, and for errors. */
    static final String TEXT = "text/plain; charset=utf-8";

    static final String JSON = "application/json; charset=utf-8";

    Reply {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    static Reply of(int status, String contentType, String body) {
        return new Reply(status, contentType, body, Map.of());
    }

    /** Buildbot's error: the status with {@code {"error": "…"}} as text/plain. */
    static Reply error(int status, String message) {
        return of(status, TEXT, BuildbotJson.error(message));
    }

    Reply withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, more);
    }
}
