package org.multimaster.cli;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.http.Health;
import org.multimaster.http.HttpServer;
import org.multimaster.http.HttpServer.HttpServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code run} and {@code serve}: its own connector on the database (so that no
 * request can delay a check-in) and the server. Not thread-safe; {@link #close()} is idempotent.
 */
final class HttpService implements AutoCloseable {

    /** The most a token file may hold: a token is sent in a header, and Jetty takes headers of 8 KiB. */
    static final int MAX_TOKEN_FILE_BYTES = 4096;

    private static final Logger log = LoggerFactory.getLogger(HttpService.class);

    private final DbConnector api;
    private final HttpServer server;

    private HttpService(DbConnector api, HttpServer server) {
        this.api = api;
        this.server = server;
    }

    /**
     * Binds the listening socket of {@code --http}, before the daemon touches the database: a port in
     * use is reported before anything is written.
     *
     * @param optional whether the command can do without HTTP ({@code run --no-http}), for the hint
     * @throws CliException with exit code 2 if the server cannot listen (port in use)
     */
    static HttpServer.Listener listen(HttpOptions options, boolean optional) {
        try {
            return HttpServer.listen(options.http);
        } catch (HttpServerException e) {
            throw new CliException(
                    ExitCodes.USAGE,
                    e.getMessage() + "; pass --http HOST:PORT with a free port (0 picks one)"
                            + (optional ? " or --no-http" : ""));
        }
    }

    /**
     * Opens the API's connector and starts the server on {@code listener}, which it takes over (and
     * closes if it fails).
     */
    static HttpService start(
            HttpServer.Listener listener,
            HttpOptions options,
            @Nullable String token,
            String databaseUrl,
            PrometheusMeterRegistry registry,
            @Nullable Supplier<Health> health,
            Consumer<MasterModel> housekeeping) {
        DbConnector api;
        try {
            api = DbConnector.builder()
                    .url(databaseUrl)
                    .poolName("multimaster-api")
                    .metricRegistry(registry)
                    .poolSize(HttpServer.API_POOL_SIZE)
                    .connectionTimeout(Duration.ofSeconds(5))
                    .migrate(false)
                    .open();
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
        try {
            HttpServer.Builder builder = HttpServer.builder(api)
                    .listener(listener)
                    .poll(options.poll)
                    .housekeeping(housekeeping)
                    .metrics(registry);
            if (token != null) {
                builder.adminToken(token);
            }
            if (health != null) {
                builder.health(health);
            }
            return new HttpService(api, builder.start());
        } catch (HttpServerException e) {
            listener.close();
            api.close();
            throw new CliException(ExitCodes.USAGE, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            listener.close();
            api.close();
            throw e;
        }
    }

    /** A Prometheus registry with the JVM's meters: memory, GC, threads, classes, CPU, uptime. */
    static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /**
     * Reads the admin token of {@code --admin-token-file}, before anything else starts.
     *
     * @return the token, or null when operator actions are off
     * @throws CliException with exit code 2 if the file cannot be read or is empty
     */
    static @Nullable String adminToken(HttpOptions options) {
        return options.adminTokenFile == null ? null : readToken(options.adminTokenFile);
    }

    private static String readToken(Path file) {
        String token;
        try (InputStream in = Files.newInputStream(file)) {
            // Read no more than a token file can hold: --admin-token-file /dev/zero ran out of memory.
            byte[] bytes = in.readNBytes(MAX_TOKEN_FILE_BYTES + 1);
            if (bytes.length > MAX_TOKEN_FILE_BYTES) {
                throw new CliException(
                        ExitCodes.USAGE,
                        "the admin token file " + file + " holds more than " + MAX_TOKEN_FILE_BYTES + " bytes, more"
                                + " than an HTTP header can carry; check --admin-token-file, and write a long random"
                                + " token into the file");
            }
            token = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString()
                    .strip();
        } catch (IOException e) {
            String problem;
            if (e instanceof NoSuchFileException) {
                problem = "does not exist";
            } else if (Files.isDirectory(file)) {
                problem = "is a directory";
            } else if (e instanceof AccessDeniedException) {
                problem = "cannot be read by this user";
            } else if (e instanceof CharacterCodingException) {
                problem = "is not UTF-8 text";
            } else {
                problem = "cannot be read (" + e + ")";
            }
            throw new CliException(
                    ExitCodes.USAGE,
                    "the admin token file " + file + " " + problem
                            + "; check --admin-token-file, and write a long random token into the file");
        }
        if (token.isEmpty()) {
            throw new CliException(
                    ExitCodes.USAGE, "the admin token file " + file + " is empty; write a long random token into it");
        }
        Optional<String> problem = HttpServer.Builder.adminTokenProblem(token);
        if (problem.isPresent()) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "the admin token in " + file + " " + problem.get()
                            + "; write a long random token into the file, e.g. with: head -c 32 /dev/urandom | base64 > "
                            + file);
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)
                    || permissions.contains(PosixFilePermission.GROUP_READ)) {
                log.warn("the admin token file {} can be read by other users; chmod 600 it", file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        return token;
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
