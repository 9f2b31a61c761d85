package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;

/** The JVM that {@code bin/multimaster run} starts for the daemon, seen from outside the process. */
class DaemonJvmIT {

    @TempDir
    Path dir;

    Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
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
        TestDatabase database = TestDatabase.sqlite(dir.resolve("db"));
        database.reset();
        DbConnector.open(database.url()).close();

        daemon = Daemon.start(dir.resolve("quiet"), database.url(), "quiet", List.of("--no-http"));
        FailoverContract.await("master quiet to start", FailoverContract.STARTUP, () -> {
            try {
                return daemon.count("\\('quiet'\\) started: heartbeat") == 1;
            } catch (java.io.IOException e) {
                return false;
            }
        });

        assertThat(Files.exists(counters.resolve(Long.toString(daemon.pid()))))
                .as("a performance-counter file for the daemon's JVM (pid %d)", daemon.pid())
                .isFalse();
    }
}
