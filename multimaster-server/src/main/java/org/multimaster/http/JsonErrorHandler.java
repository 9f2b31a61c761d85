package org.multimaster.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.multimaster.json.BuildbotJson;

/**
 * Errors that Jetty answers itself (a malformed request line or header, an oversized URI) as the
 * API answers its own: {@code {"error": "…"}}, never an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(
            Request request,
            Response response,
            int code,
            @Nullable String message,
            @Nullable Throwable cause,
            Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.TEXT);
        String text = message == null || message.isBlank() ? "HTTP " + code : message;
        Content.Sink.write(response, true, BuildbotJson.error(text), callback);
    }
}
