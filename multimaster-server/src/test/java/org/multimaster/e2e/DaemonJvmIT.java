package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;

/** The JVM that {@code bin/multimaster run} starts for the daemon, seen from outside the process. */
class DaemonJvmIT {

    /** A line of {@code -Xlog:class+load}: the class, and where it was loaded from. */
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source: (.*)$");

    @TempDir
    Path dir;

    TestDatabase database;
    Daemon daemon;

    @BeforeEach
    void createDatabase() {
        database = TestDatabase.sqlite(dir.resolve("db"));
        database.reset();
        DbConnector.open(database.url()).close();
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /**
     * The daemon's JVM takes the classes of its HTTP server and of its runtime from a class-data
     * archive of its own, trained by a daemon (the one-shot commands' archive holds neither), and
     * they are not read and verified from the jar at each start.
     */
    @Test
    void shouldLoadTheHttpServerAndTheRuntimeFromTheDaemonsClassDataArchive() throws Exception {
        Path classes = dir.resolve("class-load.log");

        daemon = Daemon.command(
                dir.resolve("archived"),
                "archived",
                List.of("run", "--db", database.url(), "--name", "archived", "--http", "127.0.0.1:0"),
                Map.of("MULTIMASTER_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes));
        daemon.awaitStarted();

        List<String> wanted = List.of(
                "org.eclipse.jetty.server.Server",
                "org.multimaster.runtime.MasterRuntime",
                "org.multimaster.cli.RunCommand");
        Map<String, String> sources = new TreeMap<>();
        for (String line : Files.readAllLines(classes)) {
            Matcher loaded = LOADED.matcher(line);
            if (loaded.find() && wanted.contains(loaded.group(1))) {
                sources.put(loaded.group(1), loaded.group(2));
            }
        }
        Map<String, String> archived = new TreeMap<>();
        wanted.forEach(name -> archived.put(name, "shared objects file"));
        assertThat(sources)
                .as("where the daemon's JVM loaded these classes from")
                .isEqualTo(archived);
    }

    /**
     * The performance-counter sampler wakes the JVM 20 times a second, most of an idle daemon's CPU;
     * a JVM that runs it maps a file named after its pid into {@code /tmp/hsperfdata_USER}.
     */
    @Test
    void shouldRunTheDaemonWithoutThePerformanceCounterSampler() throws Exception {
        Path counters = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"));
        // The test's own JVM runs the sampler, so this is where a daemon's file would be.
        assertThat(counters.resolve(Long.toString(ProcessHandle.current().pid())))
                .as("this test JVM's performance-counter file")
                .exists();

        daemon = Daemon.start(dir.resolve("quiet"), database.url(), "quiet", List.of("--no-http"));
        daemon.awaitStarted();

        assertThat(Files.exists(counters.resolve(Long.toString(daemon.pid()))))
                .as("a performance-counter file for the daemon's JVM (pid %d)", daemon.pid())
                .isFalse();
    }
}
