package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multimaster.bench.Operation;
import org.multimaster.db.testing.TestDatabase;

/**
 * A short run of {@code multimaster bench} (seconds) on each database, so the harness keeps
 * working: every scenario, every operation, every side (Buildbot's when its Python is installed;
 * in CI it must be; the HTTP data API's for the pages), and the refusals that protect a live
 * registry.
 */
abstract class AbstractBenchSmokeTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();

    final Cli cli = Cli.withoutEnvironment();
    TestDatabase database;

    abstract TestDatabase database();

    @BeforeEach
    void resetDatabase() {
        database = database();
        database.reset();
    }

    @Test
    void shouldMeasureEveryOperationOnEverySideAndCompareThem() throws Exception {
        boolean buildbot = buildbotInstalled();
        List<String> args = benchJson(
                buildbot,
                "--masters",
                "12",
                "--ops",
                "4",
                "--rounds",
                "2",
                "--threads",
                "2",
                "--cycle-sizes",
                "6",
                "--sweep-dead",
                "0,8",
                "--listing-sizes",
                "30",
                "--listing-active",
                "5",
                "--warm-up",
                "50ms");

        Cli.Result result = cli.run(args.toArray(String[]::new));

        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        JsonNode report = JSON.readTree(result.out());
        assertThat(report.at("/environment/databaseVersion").asText()).isNotBlank();
        // The connector and the floor ran every operation, unrecorded, for the JIT before the rounds.
        assertThat(report.at("/settings/warmUpMillis").asLong()).isEqualTo(50);
        Set<String> measured = new HashSet<>();
        for (JsonNode m : report.get("measurements")) {
            assertThat(m.get("opsPerSecond").asDouble()).as(m.toString()).isPositive();
            assertThat(m.get("p99Micros").asDouble())
                    .as(m.toString())
                    .isGreaterThanOrEqualTo(m.get("p50Micros").asDouble());
            assertThat(m.get("perCallMicros")).as(m.toString()).hasSize(2);
            measured.add(m.get("scenario").asText() + " " + m.get("operation").asText() + " "
                    + m.get("side").asText());
        }
        for (Operation op : Operation.values()) {
            assertThat(measured).contains("methods " + op + " multimaster", "methods " + op + " floor");
            if (buildbot && op != Operation.PRUNE) {
                assertThat(measured).contains("methods " + op + " buildbot");
            }
        }
        assertThat(measured)
                .contains("concurrent CHECK_IN multimaster", "sweep SWEEP floor", "listing PAGE_ACTIVE multimaster");
        // The pages, and only they, were also asked through the HTTP data API, and compared with the connector's.
        assertThat(measured.stream().filter(m -> m.endsWith(" http")))
                .containsExactlyInAnyOrder(
                        "methods PAGE_ACTIVE http",
                        "methods PAGE_BY_NAME http",
                        "listing PAGE_ACTIVE http",
                        "listing PAGE_BY_NAME http");
        assertThat(report.get("ratios").findValuesAsText("numerator")).contains("http");
        for (JsonNode r : report.get("ratios")) {
            assertThat(r.get("median").asDouble()).as(r.toString()).isPositive();
        }
        assertThat(report.get("ratios").findValuesAsText("denominator")).contains("floor");
        assertThat(report.get("cycles").findValuesAsText("side")).contains("multimaster");
        if (buildbot) {
            assertThat(report.get("ratios").findValuesAsText("numerator")).contains("buildbot");
            assertThat(report.get("ratios").findValuesAsText("denominator")).contains("http");
            assertThat(report.at("/environment/buildbot").asText()).startsWith("3.");
        }
        // The benchmark leaves nothing behind.
        assertThat(count("SELECT COUNT(*) FROM masters")).isZero();
    }

    @Test
    void shouldCutTheSweepsBatchesOnlyOnBuildbotsSideWhichLoadsEveryMaster() throws Exception {
        boolean buildbot = buildbotInstalled();
        List<String> args = benchJson(
                buildbot,
                "--scenario",
                "sweep",
                "--masters",
                "12",
                "--ops",
                "4",
                "--rounds",
                "2",
                "--sweep-dead",
                "200",
                "--warm-up",
                "0ms");

        Cli.Result result = cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.err()).isZero();
        // 212 masters: Buildbot's sweep loads them all, so its batches are cut to one call of the
        // four; ours and the floor's read one index range and run all four, in each of two rounds.
        Set<String> calls = new HashSet<>();
        for (JsonNode m : JSON.readTree(result.out()).get("measurements")) {
            calls.add(m.get("side").asText() + " " + m.get("calls").asLong());
        }
        assertThat(calls).contains("multimaster 8", "floor 8");
        if (buildbot) {
            assertThat(calls).contains("buildbot 2");
        }
    }

    @Test
    void shouldRefuseADatabaseHoldingMastersItDidNotWrite() throws Exception {
        assertThat(cli.run("find", "live:master", "--db", database.url()).exitCode())
                .isZero();

        Cli.Result result = cli.run("bench", "--db", database.url(), "--no-buildbot", "--masters", "5", "--ops", "2");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("holds 1 master that is not the benchmark's", "scratch database");
        assertThat(count("SELECT COUNT(*) FROM masters")).isEqualTo(1);
    }

    @Test
    void shouldRejectBadOptionsWithoutTouchingTheDatabase() {
        Cli.Result result = cli.run("bench", "--db", database.url(), "--no-buildbot", "--rounds", "0");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("multimaster: --rounds 0 must be at least 1");
        Cli.Result tooMany = cli.run("bench", "--db", database.url(), "--no-buildbot", "--threads", "1001");
        assertThat(tooMany.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooMany.err())
                .startsWith("multimaster: --threads 1001 must be at most 1000: each caller has a pooled connection"
                        + " of its own");
    }

    /** The arguments of a {@code bench --json} run on this test's database, without Buildbot unless it is installed. */
    private List<String> benchJson(boolean buildbot, String... options) {
        List<String> args = new ArrayList<>(List.of("bench", "--db", database.url(), "--json"));
        args.addAll(List.of(options));
        if (!buildbot) {
            args.add("--no-buildbot");
        }
        return args;
    }

    private long count(String sql) throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean buildbotInstalled() {
        boolean installed;
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import buildbot.db.connector")
                    .redirectErrorStream(true)
                    .start();
            installed = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            installed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            installed = false;
        }
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(PYTHON + " cannot import buildbot in CI; .ci/run installs it");
        }
        return installed;
    }
}
