package org.multimaster.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
import org.multimaster.db.MasterModel;
import org.multimaster.runtime.MasterEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP server: Buildbot's data API under {@code /api/v2} and its live event stream
 * ({@code /api/v2/events}, fed by a {@link ClusterWatcher}).
 *
 * <p>Jetty's bounded thread pool serves requests; each reads the database through the API's own
 * connector (never the running master's), so no amount of HTTP traffic can delay a check-in.
 *
 * <p>Thread-safe. {@link #close()} is idempotent.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    /**
     * Connections of the pool that the daemons give the API's connector, its own: requests beyond
     * them wait for one, the master's check-ins never do.
     */
    public static final int API_POOL_SIZE = 2;

    private final Server server;
    private final ServerConnector connector;
    private final HttpEndpoint endpoint;
    private final ClusterWatcher watcher;
    private final EventStream events;

    private HttpServer(
            Server server,
            ServerConnector connector,
            HttpEndpoint endpoint,
            ClusterWatcher watcher,
            EventStream events) {
        this.server = server;
        this.connector = connector;
        this.endpoint = endpoint;
        this.watcher = watcher;
        this.events = events;
    }

    /**
     * Returns a builder for a server that reads through {@code api}.
     *
     * @param api the connector the API reads with; the server does not close it
     */
    public static Builder builder(DbConnector api) {
        return new Builder(Objects.requireNonNull(api, "api"));
    }

    /**
     * Binds the endpoint's socket without serving on it yet, so that a daemon learns that its port is
     * taken before it writes anything to the database. Hand it to {@link Builder#listener}, or close
     * it if the server is not started.
     *
     * @throws HttpServerException if it cannot listen on the endpoint (port in use, unknown host)
     */
    public static Listener listen(HttpEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            // As Jetty binds its own: a port left in TIME_WAIT by a daemon just stopped is free.
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(endpoint.host(), endpoint.port()));
            return new Listener(endpoint, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the bind failure is what gets reported
                }
            }
            throw HttpServerException.cannotListen(endpoint, e);
        }
    }

    /** The port the server listens on (the one chosen when the endpoint asked for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8010/}. */
    public String url() {
        String host = endpoint.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    /**
     * Publishes an event of this process's runtime on the event stream at once, without waiting for
     * the next poll. For {@code MasterRuntime.Builder.events}.
     */
    public void masterEvent(MasterEvent event) {
        watcher.local(event);
    }

    /**
     * Tells the event stream that this process claimed or released something (or housekept a
     * master): the cluster is read at once. For {@code MasterRuntime.Builder.claims}.
     */
    public void clusterChanged() {
        var unused = watcher.pollNow(); // the events follow from the read; nobody waits for it
    }

    /** For tests: publishes an event as the watcher would. */
    void publish(ClusterEvent event) {
        events.publish(event);
    }

    /** How many clients the event stream has. */
    int eventClients() {
        return events.clients();
    }

    /** How many event stream clients were dropped for not keeping up. */
    long droppedEventClients() {
        return events.dropped();
    }

    /** Stops accepting requests and closes every open connection. */
    @Override
    public void close() {
        watcher.close();
        events.close();
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("the HTTP server did not stop cleanly: {}", e.toString());
        }
    }

    /**
     * A socket bound to an endpoint, not yet served ({@link #listen}). A server started on it owns it
     * and closes it when it stops; until then, {@link #close()} frees the port. Not thread-safe.
     */
    public static final class Listener implements AutoCloseable {

        private final HttpEndpoint endpoint;
        private final ServerSocketChannel channel;

        private Listener(HttpEndpoint endpoint, ServerSocketChannel channel) {
            this.endpoint = endpoint;
            this.channel = channel;
        }

        /** Frees the port; not for a socket a server has started on. Idempotent. */
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing the listening socket of {}: {}", endpoint, e.toString());
            }
        }
    }

    /** Configures and starts an {@link HttpServer}. Not thread-safe. */
    public static final class Builder {

        /** The fewest characters an admin token may have. */
        public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

        private final DbConnector api;
        private HttpEndpoint endpoint = HttpEndpoint.DEFAULT;
        private @Nullable Listener listener;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxThreads = 16;
        private Duration poll = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();
        private int eventQueueBound = 1000;
        private int maxEventClients = 64;
        private Duration keepAlive = Duration.ofSeconds(15);
        private @Nullable String adminToken;
        private @Nullable PrometheusMeterRegistry metrics;
        private @Nullable Supplier<Health> health;
        private Consumer<MasterModel> housekeeping = master -> {};

        private Builder(DbConnector api) {
            this.api = api;
        }

        /** Sets where to listen; default {@link HttpEndpoint#DEFAULT}. */
        public Builder endpoint(HttpEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Serves on a socket already bound by {@link HttpServer#listen}, and on its endpoint; the server
         * takes the socket over once it starts.
         */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            this.endpoint = listener.endpoint;
            return this;
        }

        /** Sets how long a request waits for the database before it is answered 503; default 10 s. */
        public Builder requestTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(
                        "request timeout " + Durations.format(timeout) + " must be positive");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Sets how often the cluster watcher reads the masters' state for the event stream and the
         * page, from 1 ms to {@link Durations#LONGEST}; default 2 s.
         */
        public Builder poll(Duration poll) {
            Objects.requireNonNull(poll, "poll");
            if (poll.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException(
                        "poll interval " + Durations.format(poll) + " must be at least 1ms; raise --poll");
            }
            if (poll.compareTo(Durations.LONGEST) > 0) {
                throw new IllegalArgumentException("poll interval " + Durations.format(poll)
                        + " is longer than the longest multimaster accepts, " + Durations.format(Durations.LONGEST)
                        + " (100 years); lower --poll");
            }
            this.poll = poll;
            return this;
        }

        /** Sets the clock of health checks and events; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Allows operator actions ({@code POST /api/v2/masters/N/deactivate}) to clients that send
         * this token as {@code Authorization: Bearer TOKEN}; without a token they are off.
         */
        public Builder adminToken(String token) {
            Objects.requireNonNull(token, "token");
            Optional<String> problem = adminTokenProblem(token);
            if (problem.isPresent()) {
                throw new IllegalArgumentException("the admin token " + problem.get() + "; use a long random token");
            }
            this.adminToken = token;
            return this;
        }

        /**
         * What makes {@code token} unfit to guard operator actions, if anything, in words that follow
         * "the admin token" and never repeat it: fewer than {@value #MIN_ADMIN_TOKEN_LENGTH}
         * characters (a short one can be guessed by trying), or a character other than visible ASCII
         * (curl sends {@code é} in an {@code Authorization} header as UTF-8, Python's urllib as
         * Latin-1: the token would work for some clients only).
         */
        public static Optional<String> adminTokenProblem(String token) {
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c < '!' || c > '~') {
                    return Optional.of("holds a space, a control character or a character beyond ASCII, which"
                            + " HTTP clients do not all send alike in a header: a token is letters, digits and"
                            + " punctuation");
                }
            }
            if (token.length() < MIN_ADMIN_TOKEN_LENGTH) {
                return Optional.of("has " + token.length() + " characters, fewer than " + MIN_ADMIN_TOKEN_LENGTH
                        + ": a short token can be guessed by trying");
            }
            return Optional.empty();
        }

        /**
         * Sets what runs, exactly once, after an operator deactivated a master over HTTP (its link
         * rows are released already); default nothing.
         */
        public Builder housekeeping(Consumer<MasterModel> housekeeping) {
            this.housekeeping = Objects.requireNonNull(housekeeping, "housekeeping");
            return this;
        }

        /**
         * Serves {@code GET /metrics} from this registry, and adds the cluster's meters to it:
         * {@code multimaster_masters{state}}, {@code multimaster_clock_skew_seconds} and the event
         * stream's clients.
         */
        public Builder metrics(PrometheusMeterRegistry registry) {
            this.metrics = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets what {@code GET /healthz} reports: the running master's health. Default (an observer):
         * healthy while the cluster watcher reads the database.
         */
        public Builder health(Supplier<Health> health) {
            this.health = Objects.requireNonNull(health, "health");
            return this;
        }

        /** For tests: how many events may wait for one slow client before it is dropped. */
        Builder eventQueueBound(int bound) {
            this.eventQueueBound = bound;
            return this;
        }

        /** For tests: the interval of keep-alive comments on the event stream. */
        Builder keepAlive(Duration interval) {
            this.keepAlive = interval;
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws HttpServerException if it cannot listen on the endpoint (port in use, unknown host)
         */
        public HttpServer start() {
            QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 2);
            threads.setName("multimaster-http");
            threads.setDaemon(true);
            Server server = new Server(threads);
            HttpConfiguration config = new HttpConfiguration();
            config.setSendServerVersion(false);
            config.setSendDateHeader(true);
            // Paths are matched segment by segment as Buildbot matches them, never mapped to files,
            // so Jetty need not refuse encoded slashes or dot segments: the API answers them (404).
            config.setUriCompliance(UriCompliance.UNSAFE);
            ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
            connector.setHost(endpoint.host());
            connector.setPort(endpoint.port());
            connector.setIdleTimeout(Duration.ofSeconds(30).toMillis());
            server.addConnector(connector);
            server.setErrorHandler(new JsonErrorHandler());
            EventStream events = new EventStream(maxEventClients, eventQueueBound, keepAlive);
            ClusterWatcher watcher = new ClusterWatcher(api, poll, events::publish, clock);
            DataApi data = new DataApi(api, requestTimeout);
            Supplier<Health> healthCheck = health != null ? health : () -> observerHealth(watcher, clock);
            if (metrics != null) {
                registerClusterMeters(metrics, watcher, events);
            }
            server.setHandler(new Routes(
                    data,
                    events,
                    new Admin(data, api, adminToken, housekeeping, watcher::local),
                    metrics,
                    healthCheck));
            @Nullable Listener bound = listener;
            try {
                if (bound == null) {
                    bound = listen(endpoint);
                }
                connector.open(bound.channel);
                server.start();
            } catch (Exception e) {
                if (bound != null) {
                    bound.close();
                }
                events.close();
                watcher.close();
                stopQuietly(server);
                throw e instanceof HttpServerException failed ? failed : HttpServerException.cannotListen(endpoint, e);
            }
            watcher.start();
            HttpServer started = new HttpServer(server, connector, endpoint, watcher, events);
            log.info("serving the data API, the Build Masters page and metrics on {}", started.url());
            return started;
        }

        private static Health observerHealth(ClusterWatcher watcher, Clock clock) {
            java.time.Instant last = watcher.lastSuccess();
            Duration limit = watcher.poll().multipliedBy(2).plusSeconds(1);
            if (last != null && Duration.between(last, clock.instant()).compareTo(limit) <= 0) {
                return new Health(
                        true,
                        "the cluster watcher read the database "
                                + Duration.between(last, clock.instant()).toMillis() + " ms ago");
            }
            String error = watcher.lastError();
            return new Health(
                    false,
                    "the cluster watcher has not read the database within " + Durations.format(limit)
                            + (error == null ? "" : ": " + error));
        }

        private static void registerClusterMeters(
                PrometheusMeterRegistry registry, ClusterWatcher watcher, EventStream events) {
            for (boolean active : new boolean[] {true, false}) {
                Gauge.builder("multimaster.masters", watcher, w -> w.masterCount(active))
                        .description("masters of the cluster, as the watcher last read them")
                        .tag("state", active ? "active" : "inactive")
                        .register(registry);
            }
            Gauge.builder("multimaster.clock.skew", watcher, ClusterWatcher::skewSeconds)
                    .description("the database's clock minus this host's")
                    .baseUnit("seconds")
                    .register(registry);
            Gauge.builder("multimaster.event.stream.clients", events, EventStream::clients)
                    .description("clients of /api/v2/events")
                    .register(registry);
            FunctionCounter.builder("multimaster.event.stream.dropped", events, EventStream::dropped)
                    .description("event stream clients dropped for not keeping up")
                    .register(registry);
        }

        private static void stopQuietly(Server server) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // the start failure is what gets reported
            }
        }
    }

    /** The server cannot listen on its endpoint. */
    public static final class HttpServerException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private HttpServerException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }

        static HttpServerException cannotListen(HttpEndpoint endpoint, Throwable e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof BindException)) {
                cause = cause.getCause();
            }
            String why = cause instanceof BindException
                    ? "the port is in use or the address is not this host's (" + cause.getMessage() + ")"
                    : cause instanceof UnresolvedAddressException
                            ? "no address is known for the host '" + endpoint.host() + "'"
                            : cause instanceof IOException ? cause.getMessage() : cause.toString();
            return new HttpServerException("cannot serve HTTP on " + endpoint + ": " + why, e);
        }
    }
}
