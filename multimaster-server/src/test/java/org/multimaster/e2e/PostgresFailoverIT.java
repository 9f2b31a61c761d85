package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multimaster.db.testing.TestDatabase;

/** Failover on PostgreSQL, plus pauses and graceful stops. */
class PostgresFailoverIT extends FailoverContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres("mm_failover");
    }

    @Test
    void shouldStopThePausedMasterAndLetItClaimAgainOnlyWhatIsFreeAfterItResumes() throws Exception {
        // master-b also runs a change source nobody else is configured for.
        Daemon b = start("master-b", "--changesource", "b-only");
        await("master-b to own every component", STARTUP, () -> ownsAllShared("master-b"));
        Daemon c = start("master-c");
        await("master-c to start", STARTUP, () -> active("master-c"));

        b.pause();
        await(
                "master-c to expire master-b and take over",
                EXPIRY.plus(INTERVAL.multipliedBy(2)).plus(ROUNDING).plusSeconds(10),
                () -> !active("master-b") && ownsAllShared("master-c"));
        Thread.sleep(INTERVAL.multipliedBy(2).toMillis()); // paused for longer than the expiry
        b.resume();

        await(
                "master-b to learn it was declared dead and check in again",
                Duration.ofSeconds(20),
                () -> active("master-b") && countUnchecked(b, "was marked inactive by another process") == 1);
        await(
                "master-b to claim the free change source again",
                Duration.ofSeconds(10),
                () -> watcher.changeSources().getChangeSources(true, id("master-b")).join().stream()
                        .anyMatch(cs -> cs.name().equals("b-only")));
        Thread.sleep(INTERVAL.multipliedBy(3).toMillis());

        assertThat(ownsAllShared("master-c"))
                .as("the survivor keeps what it took over")
                .isTrue();
        for (String scheduler : SCHEDULERS) {
            // Stopped once, when it resumed: by the outage fence, whose deadline passed during the
            // pause, or by the check-in that told it a peer had declared it dead, whichever came first.
            assertThat(b.count("lost scheduler '" + scheduler + "': ")).isEqualTo(1);
            assertThat(b.count("lost scheduler '" + scheduler + "': another process marked this master inactive")
                            + b.count("lost scheduler '" + scheduler + "': this master could not check in for"))
                    .isEqualTo(1);
            assertThat(b.count("claimed scheduler '" + scheduler + "'"))
                    .as("master-b claimed %s only before its pause", scheduler)
                    .isEqualTo(1);
        }
        assertThat(b.count("claimed change source 'b-only'")).isEqualTo(2);
    }

    @Test
    void shouldReleaseClaimsAtOnceOnSigterm() throws Exception {
        Daemon b = start("master-b");
        await("master-b to own every component", STARTUP, () -> ownsAllShared("master-b"));
        start("master-c");
        await("master-c to start", STARTUP, () -> active("master-c"));

        b.terminate();
        assertThat(b.waitForExit(Duration.ofSeconds(5)))
                .as("master-b exits within 5 s")
                .isTrue();
        assertThat(b.exitValue())
                .as("exit code after a clean shutdown on SIGTERM")
                .isZero();
        assertThat(active("master-b")).isFalse();
        Duration took = await("master-c to take over", Duration.ofSeconds(10), () -> ownsAllShared("master-c"));

        assertThat(took).as("no wait for the expiry").isLessThan(EXPIRY);
        assertThat(b.count("MasterRuntime - master \\d+ \\('master-b'\\) stopped$"))
                .isEqualTo(1);
    }

    @Test
    void shouldExitZeroAfterACleanShutdownOnCtrlC() throws Exception {
        Daemon c = start("master-c");
        await("master-c to start", STARTUP, () -> active("master-c"));

        c.interrupt();

        assertThat(c.waitForExit(Duration.ofSeconds(10))).isTrue();
        assertThat(c.exitValue())
                .as("exit code after a clean shutdown on SIGINT")
                .isZero();
        assertThat(active("master-c")).isFalse();
    }

    @Test
    void shouldLogEachKilledConnectionInOneWarningLineWithoutStackTraces() throws Exception {
        Daemon k = start("master-k");
        await("master-k to own every component", STARTUP, () -> ownsAllShared("master-k"));

        long killed = 0;
        String admin = database.url().replace("/" + database.name() + "?", "/postgres?");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(admin);
                java.sql.Statement s = c.createStatement()) {
            for (int round = 0; round < 50; round++) {
                try (java.sql.ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid))"
                        + " FROM pg_stat_activity WHERE datname = '" + database.name() + "'")) {
                    rs.next();
                    killed += rs.getLong(1);
                }
                Thread.sleep(100);
            }
        }
        await("master-k to check in again", Duration.ofSeconds(30), () -> {
            try {
                return active("master-k") && ownsAllShared("master-k");
            } catch (RuntimeException watcherConnectionKilledToo) {
                return false;
            }
        });

        List<String> log = k.log();
        assertThat(log)
                .as("every log record is one line: no stack trace")
                .allMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"));
        long warnings = log.stream().filter(line -> line.contains(" WARN ")).count();
        System.out.println(killed + " connections killed, " + warnings + " warnings");
        assertThat(warnings).as("at most one warning per killed connection").isLessThanOrEqualTo(killed);
        assertThat(log).noneMatch(line -> line.contains("ProxyConnection") || line.contains("PoolBase"));
        assertThat(k.isAlive()).isTrue();
    }

    private static long countUnchecked(Daemon daemon, String regex) {
        try {
            return daemon.count(regex);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
