package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;

/**
 * The daemons ({@code run}, {@code serve}) inside a JVM that goes on after them (an embedder, a
 * test), stopped by interrupting their thread: they stop everything they started, the HTTP server
 * and its reads of the database included, and return.
 */
class RunInterruptTest {

    private static final Pattern SERVING = Pattern.compile("serving the data API.* on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    @Test
    void shouldStopServingHttpAndPollingTheDatabaseWhenRunIsInterrupted() throws Exception {
        String url = "sqlite:///" + dir.resolve("state.sqlite");

        startThenInterrupt(
                "('embedded') started: heartbeat",
                "run",
                "--db",
                url,
                "--name",
                "embedded",
                "--heartbeat",
                "1s",
                "--expire",
                "5s",
                "--http",
                "127.0.0.1:0");
    }

    @Test
    void shouldStopServingHttpAndPollingTheDatabaseWhenServeIsInterrupted() throws Exception {
        String url = "sqlite:///" + dir.resolve("state.sqlite");
        DbConnector.open(url).close(); // serve needs a schema

        startThenInterrupt("serving the data API", "serve", "--db", url, "--http", "127.0.0.1:0");
    }

    /** Runs the command on a thread until the log says {@code started}, interrupts it, checks what is left. */
    private static void startThenInterrupt(String started, String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        int port = -1;
        Set<Thread> ours;
        Set<Thread> before = watchers();
        try (LogCapture log = LogCapture.everything()) {
            Thread thread = new Thread(
                    () -> code.set(Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of())));
            thread.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!log.text().contains(started) && thread.isAlive()) {
                assertThat(System.nanoTime())
                        .as("started: %s%s", log.text(), err)
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
            for (Matcher serving = SERVING.matcher(log.text()); serving.find(); ) {
                port = Integer.parseInt(serving.group(1));
            }
            assertThat(port).as("the port it serves on, in %s", log.text()).isPositive();
            ours = new HashSet<>(watchers());
            ours.removeAll(before);
            assertThat(ours).as("its cluster watcher, polling the database").isNotEmpty();

            thread.interrupt();
            thread.join(Duration.ofSeconds(30).toMillis());
            assertThat(thread.isAlive()).as("%s returned", args[0]).isFalse();
        }

        assertThat(code.get()).as("exit code; %s", err).isZero();
        int served = port;
        assertThatThrownBy(() -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", served), 2_000);
                    }
                })
                .as("a connection to the port %s served on", args[0])
                .isInstanceOf(ConnectException.class);
        assertThat(ours).as("its cluster watcher, still polling the database").noneMatch(Thread::isAlive);
    }

    private static Set<Thread> watchers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().equals("multimaster-watcher"))
                .collect(Collectors.toSet());
    }
}
