package org.multimaster.cli;

import java.time.Duration;
import org.multimaster.db.DbConnector;
import org.multimaster.http.HttpServer;
import org.multimaster.http.HttpServer.HttpServerException;

/**
 * The HTTP side of {@code run} and {@code serve}: its own connector on the database (so that no
 * request can delay a check-in) and the server. Not thread-safe; {@link #close()} is idempotent.
 */
final class HttpService implements AutoCloseable {

    /** Connections of the API's own pool: requests beyond them wait for one, the master never does. */
    private static final int API_POOL_SIZE = 2;

    private final DbConnector api;
    private final HttpServer server;

    private HttpService(DbConnector api, HttpServer server) {
        this.api = api;
        this.server = server;
    }

    /**
     * Opens the API's connector and starts the server.
     *
     * @throws CliException with exit code 2 if the server cannot listen (port in use)
     */
    static HttpService start(HttpOptions options, String databaseUrl) {
        DbConnector api = DbConnector.builder()
                .url(databaseUrl)
                .poolSize(API_POOL_SIZE)
                .connectionTimeout(Duration.ofSeconds(5))
                .migrate(false)
                .open();
        try {
            HttpServer server = HttpServer.builder(api)
                    .endpoint(options.http)
                    .poll(options.poll)
                    .start();
            return new HttpService(api, server);
        } catch (HttpServerException e) {
            api.close();
            throw new CliException(ExitCodes.USAGE, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
    }

    /** The running server. */
    HttpServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
        api.close();
    }
}
