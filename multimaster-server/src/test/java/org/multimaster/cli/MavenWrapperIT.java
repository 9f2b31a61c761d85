package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code ./mvnw} with an empty {@code MAVEN_USER_HOME}, so that it fetches the pinned
 * Maven as on a new machine: the first use says so in one line and nothing else (no colour codes of
 * the Maven that fetches it), and a fetch that fails shows why and leaves nothing half made.
 */
class MavenWrapperIT {

    private static final Path ROOT = Path.of(System.getProperty("multimaster.root", ".."))
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path home;

    record Run(int exitCode, String out, String err) {}

    private static String pinnedVersion() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(ROOT.resolve(".mvn/wrapper/maven-wrapper.properties"))) {
            properties.load(in);
        }
        return properties.getProperty("mavenVersion").trim();
    }

    private Run mvnw(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(
                        Stream.concat(Stream.of(ROOT.resolve("mvnw").toString()), Stream.of(args))
                                .toList())
                .directory(ROOT.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("MVNW_REPOURL");
        builder.environment().put("MAVEN_USER_HOME", home.resolve("m2").toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("mvnw finished").isTrue();
        return new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static boolean mavenOnThePath() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "mvn")));
    }

    @Test
    void shouldSayInOneLineThatItFetchesThePinnedMavenOnFirstUseAndNothingAfter() throws Exception {
        assumeTrue(mavenOnThePath(), "no mvn on the PATH to fetch Maven with; install Maven (apt-get install maven)");
        String version = pinnedVersion();

        Run first = mvnw(Map.of(), "-B", "-v");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).isEqualTo("mvnw: fetching Maven " + version + " (first use only)\n");
        assertThat(first.out()).startsWith("Apache Maven " + version + " ");
        assertThat(home.resolve("m2/wrapper/dists/apache-maven-" + version + "/bin/mvn"))
                .isExecutable();

        Run second = mvnw(Map.of(), "-B", "-v");

        assertThat(second.exitCode()).isZero();
        assertThat(second.err()).isEmpty();
        assertThat(second.out()).startsWith("Apache Maven " + version + " ");
    }

    @Test
    void shouldShowWhatTheFetchSaidWhenItFailsAndLeaveNoMavenBehind() throws Exception {
        // A Maven on the PATH that cannot reach any repository.
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(
                mvn,
                "#!/bin/sh\n"
                        + "echo '[ERROR] Could not transfer artifact org.apache.maven:apache-maven: Network is unreachable'\n"
                        + "exit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        String version = pinnedVersion();

        Run run = mvnw(Map.of("PATH", bin + ":/usr/bin:/bin"), "-B", "-v");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("mvnw: fetching Maven " + version + " (first use only)\n")
                .contains("[ERROR] Could not transfer artifact org.apache.maven:apache-maven: Network is unreachable")
                .contains("mvnw: could not fetch Maven " + version + " with " + mvn)
                .contains("set MVNW_REPOURL");
        try (Stream<Path> left = Files.list(home.resolve("m2/wrapper/dists"))) {
            assertThat(left.toList()).as("what the failed fetch left").isEqualTo(List.of());
        }
    }
}
