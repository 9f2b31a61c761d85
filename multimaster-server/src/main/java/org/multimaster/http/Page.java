package org.multimaster.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Build Masters page ({@code GET /}) and its script and style sheet, served from the jar: no
 * external asset, so the page works offline. A content security policy keeps it that way.
 */
final class Page {

    private static final String POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

    private final Map<String, Reply> files;

    Page() {
        files = Map.of(
                "/", file("index.html", "text/html; charset=utf-8"),
                "/app.js", file("app.js", "text/javascript; charset=utf-8"),
                "/style.css", file("style.css", "text/css; charset=utf-8"));
    }

    /** The page's file at this path, or null. */
    @Nullable
    Reply get(String path) {
        return files.get(path);
    }

    private static Reply file(String name, String contentType) {
        try (InputStream in = Page.class.getResourceAsStream("page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("page/" + name + " is missing from the jar");
            }
            return Reply.of(200, contentType, new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .withHeader("Content-Security-Policy", POLICY)
                    .withHeader("Cache-Control", "no-cache")
                    .withHeader("X-Content-Type-Options", "nosniff");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
