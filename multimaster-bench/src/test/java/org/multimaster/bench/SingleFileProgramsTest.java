package org.multimaster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-file programs of {@code multimaster-bench}, which {@code docs/PERFORMANCE.md} names for
 * its measurements, run as their usage says ({@code java -cp sqlite-jdbc.jar:slf4j-api.jar FILE}),
 * with few calls, so that they keep working.
 */
class SingleFileProgramsTest {

    @TempDir
    Path dir;

    @Test
    void shouldMeasureEachWayOfHandingACallOffOverFiveRoundsAndDropItsTable() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("spin.sqlite");

        List<String> lines = run("SpinningHandOff.java", url, "read", "100", "20");

        assertThat(lines.get(0)).startsWith(url + ", read, 100 calls a round, spinning 20 µs");
        assertThat(lines.subList(1, lines.size()))
                .extracting(line -> line.substring(0, line.indexOf(' ')))
                .containsExactly("direct", "pool", "db-spins", "both-spin", "caller-spins");
        // Five rounds of p50, p90, p99 and CPU per call, the first of six dropped as warm-up.
        assertThat(lines.subList(1, lines.size()))
                .allSatisfy(line -> assertThat(line).matches("[a-z-]+ *( \\| \\d+ \\d+ \\d+ \\d+){5}"));
        try (Connection connection = DriverManager.getConnection(url);
                ResultSet tables = connection.getMetaData().getTables(null, null, "spin_handoff", null)) {
            assertThat(tables.next()).as("spin_handoff dropped").isFalse();
        }
    }

    @Test
    void shouldMeasureTheSweepsQueryDirectAndHandedOffAfterEachKindOfWrite() throws Exception {
        List<String> lines =
                run("AfterWrites.java", dir.resolve("after-writes.sqlite").toString());

        assertThat(lines)
                .filteredOn(line -> line.startsWith("write every 50 calls: "))
                .extracting(line -> line.replaceAll(" +p50 .*", "").replaceAll(" +", " "))
                .containsExactly(
                        "write every 50 calls: none direct",
                        "write every 50 calls: none handed off",
                        "write every 50 calls: two rows direct",
                        "write every 50 calls: two rows handed off",
                        "write every 50 calls: every row direct",
                        "write every 50 calls: every row handed off");
    }

    /** Runs {@code program} in a JVM of its own and returns its standard output's lines. */
    private List<String> run(String program, String... args)
            throws IOException, InterruptedException, URISyntaxException, SQLException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                jarOf(DriverManager.getDriver("jdbc:sqlite:").getClass())
                        + File.pathSeparator
                        + jarOf(org.slf4j.Logger.class),
                program));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectError(dir.resolve(program + ".err").toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(program + " ended").isTrue();
        assertThat(process.exitValue())
                .as(program + " exit status, stdout: " + out)
                .isZero();
        return out.lines().toList();
    }

    private static String jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }
}
