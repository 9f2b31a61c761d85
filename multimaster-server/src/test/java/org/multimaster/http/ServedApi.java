package org.multimaster.http;

import java.util.function.UnaryOperator;
import org.multimaster.db.DbConnector;

/**
 * The data API served for a test as the daemon serves it: through a connector of its own (a pool
 * of two, on a schema that already exists) on an ephemeral port of 127.0.0.1.
 */
public final class ServedApi implements AutoCloseable {

    private final DbConnector api;
    private final HttpServer server;

    private ServedApi(DbConnector api, HttpServer server) {
        this.api = api;
        this.server = server;
    }

    /** Serves the database at {@code url}. */
    public static ServedApi on(String url) {
        return on(url, UnaryOperator.identity());
    }

    /** Serves the database at {@code url}, with what {@code configure} sets on the server. */
    public static ServedApi on(String url, UnaryOperator<HttpServer.Builder> configure) {
        DbConnector api =
                DbConnector.builder().url(url).poolSize(2).migrate(false).open();
        try {
            HttpServer server = configure
                    .apply(HttpServer.builder(api).endpoint(new HttpEndpoint("127.0.0.1", 0)))
                    .start();
            return new ServedApi(api, server);
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
    }

    /** Where it is served: {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
        api.close();
    }
}
