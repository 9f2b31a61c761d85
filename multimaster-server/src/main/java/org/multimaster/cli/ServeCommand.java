package org.multimaster.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code multimaster serve}: serves the data API, page and metrics of a cluster without being a
 * master of it, until SIGTERM or Ctrl-C.
 */
@Command(
        name = "serve",
        description = {
            "Serve the data API (/api/v2), the Build Masters page (/), /metrics and /healthz for the masters of"
                    + " the database, without registering a master or expiring anyone: an observer to run beside"
                    + " Buildbot masters.",
            "Read-only: a database without schema is an error, never created.",
        })
final class ServeCommand extends DatabaseCommand {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    HttpOptions http = new HttpOptions();

    @Override
    int execute() {
        String token = HttpService.adminToken(http);
        RunCommand.logLifecycle();
        // Checks that the database exists and has a schema before anything listens.
        open(false).close();
        HttpService service = HttpService.start(
                HttpService.listen(http, false),
                http,
                token,
                databaseUrl(),
                HttpService.newRegistry(),
                null,
                RunCommand::logHousekeeping);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(
                () -> {
                    stop(service);
                    stopped.countDown();
                },
                "multimaster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Stopped from within the JVM (an embedder, a test): the same shutdown, without the hook,
            // and with the interrupt kept for the caller.
            Runtime.getRuntime().removeShutdownHook(shutdown);
            stop(service);
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private static void stop(HttpService service) {
        log.info("stopping the observer");
        service.close();
    }
}
