package org.multimaster.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.TimeSource;
import org.multimaster.http.HttpServer;
import org.multimaster.metrics.MasterMetrics;
import org.multimaster.runtime.ClaimListener;
import org.multimaster.runtime.Component;
import org.multimaster.runtime.Expiry;
import org.multimaster.runtime.MasterRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code multimaster run}: runs one build master until SIGTERM or Ctrl-C, then shuts it down
 * gracefully (its claims released, itself marked stopped).
 */
@Command(
        name = "run",
        description = {
            "Run one build master on the database: register, check in every --heartbeat, expire peers silent"
                    + " for longer than --expire (cleaning up after each exactly once), and claim the schedulers"
                    + " and change sources given, taking over those of expired peers.",
            "Stops gracefully on SIGTERM or Ctrl-C: releases its claims and marks itself stopped.",
            "Logs every step on stderr. Creates the schema if the database has none.",
        })
final class RunCommand extends DatabaseCommand {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "The master's name. Default: hostname:working-directory, as Buildbot names masters.")
    @Nullable
    String name;

    @Option(
            names = "--heartbeat",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "60s",
            description = "How often to check in (e.g. 1s, 60s, 2m; at least 100ms). --expire must be at least twice"
                    + " it plus a second (two for an interval that is not whole seconds). Default: ${DEFAULT-VALUE}.")
    Duration heartbeat;

    @Mixin
    ExpiryOptions expiry = new ExpiryOptions();

    @Option(
            names = "--clock",
            paramLabel = "app|database",
            defaultValue = "app",
            description = "Where 'now' comes from for check-ins and expiry: this host's clock (app) or the"
                    + " database server's (database; immune to clock skew between hosts). Default: ${DEFAULT-VALUE}.")
    ClockChoice clock;

    @Option(
            names = "--scheduler",
            paramLabel = "NAME",
            description = "A scheduler this master runs when no other active master does (repeatable).")
    List<String> schedulers = new ArrayList<>();

    @Option(
            names = "--changesource",
            paramLabel = "NAME",
            description = "A change source this master runs when no other active master does (repeatable).")
    List<String> changeSources = new ArrayList<>();

    @Mixin
    HttpOptions http = new HttpOptions();

    @Option(names = "--no-http", description = "Serve no HTTP (no data API, page, metrics or health check).")
    boolean noHttp;

    enum ClockChoice {
        app,
        database
    }

    @Override
    int execute() {
        MasterRuntime.Builder.checkTiming(heartbeat, expiry.expire);
        String masterName = name != null ? name : defaultName();
        MasterRuntime.Builder.checkNames(databaseKind(), masterName, schedulers, changeSources);
        @Nullable String token = noHttp ? null : HttpService.adminToken(http);
        logLifecycle();
        // Listening first: a port in use is reported before this master writes anything, the schema
        // of a new database included.
        HttpServer.@Nullable Listener listener = noHttp ? null : HttpService.listen(http, true);
        PrometheusMeterRegistry registry = HttpService.newRegistry();
        MasterMetrics metrics = new MasterMetrics(registry, Clock.systemUTC());
        DbConnector db;
        try {
            db = DbConnector.builder()
                    .url(databaseUrl())
                    .poolName("multimaster-runtime")
                    .metricRegistry(registry)
                    // During an outage a check-in should fail within its heartbeat, naming the cause,
                    // rather than wait for a connection far longer than the interval.
                    .connectionTimeout(
                            heartbeat.compareTo(Duration.ofSeconds(10)) < 0 ? heartbeat : Duration.ofSeconds(10))
                    .timeSource(clock == ClockChoice.database ? TimeSource.DATABASE : TimeSource.APPLICATION)
                    .open();
        } catch (RuntimeException e) {
            if (listener != null) {
                listener.close();
            }
            throw e;
        }
        @Nullable HttpService service;
        try {
            Expiry.requireSafeBesideBuildbot(db, expiry.expire, expiry.forceShortExpiry);
            service = listener == null
                    ? null
                    : HttpService.start(listener, http, token, databaseUrl(), registry, metrics::health, master -> {
                        logHousekeeping(master);
                        metrics.housekept(master);
                    });
        } catch (RuntimeException e) {
            if (listener != null) {
                listener.close(); // once more if the server did not start: closing is idempotent
            }
            db.close();
            throw e;
        }
        @Nullable HttpServer server = service == null ? null : service.server();
        MasterRuntime runtime;
        try {
            runtime = MasterRuntime.builder(db)
                    .name(masterName)
                    .heartbeatInterval(heartbeat)
                    .expiry(expiry.expire)
                    .forceShortExpiry(expiry.forceShortExpiry)
                    .schedulers(schedulers)
                    .changeSources(changeSources)
                    .events(event -> {
                        log.info(
                                "event: master {} ('{}') {}",
                                event.masterId(),
                                event.name(),
                                event.type().name().toLowerCase(java.util.Locale.ROOT));
                        if (server != null) {
                            server.masterEvent(event);
                        }
                    })
                    .housekeeping(master -> {
                        logHousekeeping(master);
                        if (server != null) {
                            server.clusterChanged();
                        }
                    })
                    .claims(new ClaimListener() {
                        @Override
                        public void claimed(Component component) {
                            if (server != null) {
                                server.clusterChanged();
                            }
                        }

                        @Override
                        public void lost(Component component, String reason) {
                            if (server != null) {
                                server.clusterChanged();
                            }
                        }
                    })
                    .build();
        } catch (RuntimeException e) {
            if (service != null) {
                service.close();
            }
            db.close();
            throw e;
        }
        Thread shutdown = new Thread(
                () -> {
                    // SIGTERM or Ctrl-C: the JVM would exit with 143 or 130, which service managers read
                    // as a failure; after a clean shutdown the exit code is 0, else 3.
                    int code = stop(service, runtime, db, masterName);
                    System.err.flush();
                    Runtime.getRuntime().halt(code);
                },
                "multimaster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        log.info("starting master '{}' on {}", masterName, db.url());
        try {
            metrics.bind(runtime);
            runtime.start();
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            if (service != null) {
                service.close();
            }
            runtime.close();
            db.close();
            throw e;
        }
        CountDownLatch never = new CountDownLatch(1);
        try {
            never.await(); // until SIGTERM or Ctrl-C runs the hook above, or an interrupt
        } catch (InterruptedException e) {
            // Stopped from within the JVM (an embedder, a test): the same shutdown, without the hook,
            // and with the interrupt kept for the caller once the master has stopped.
            Runtime.getRuntime().removeShutdownHook(shutdown);
        }
        int code = stop(service, runtime, db, masterName);
        Thread.currentThread().interrupt();
        return code;
    }

    /**
     * Shuts the daemon down: its HTTP service (if any) first, then the master, its claims released
     * and itself marked stopped.
     *
     * @return {@link ExitCodes#OK} after a clean shutdown; {@link ExitCodes#DATABASE} if the master
     *     could not be marked stopped (peers will expire it)
     */
    private static int stop(@Nullable HttpService service, MasterRuntime runtime, DbConnector db, String masterName) {
        if (service != null) {
            service.close();
        }
        log.info("shutting down master '{}'", masterName);
        try {
            runtime.close();
            boolean clean = runtime.masterId() < 0
                    || db.masters()
                            .getMaster(runtime.masterId())
                            .join()
                            .map(m -> !m.active())
                            .orElse(true);
            return clean ? ExitCodes.OK : ExitCodes.DATABASE;
        } catch (RuntimeException e) {
            log.warn("master '{}' did not shut down cleanly: {}", masterName, e.getMessage());
            return ExitCodes.DATABASE;
        } finally {
            db.close();
        }
    }

    /** What this daemon's housekeeping does: Buildbot's link rows are released already; it reports it. */
    static void logHousekeeping(MasterModel master) {
        log.info(
                "housekeeping of master {} ('{}') done: its claims, builder registrations and worker connections are"
                        + " released, its running builds ended as RETRY and its pending build requests released",
                master.id(),
                master.name());
    }

    /** A daemon logs every lifecycle step; the one-shot commands only warnings (see LogConfigurator). */
    static void logLifecycle() {
        if (LoggerFactory.getLogger("org.multimaster") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    private static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return host + ":" + Path.of("").toAbsolutePath();
    }
}
