package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code bin/multimaster} as a process on the jar that {@code package} built (failsafe
 * runs it in {@code integration-test}): stdout holds only the command's output, stderr holds no log
 * noise, exit codes reach the shell, and the default database is {@code state.sqlite} in the
 * working directory.
 */
class MultimasterScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("multimaster.root", ".."))
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path workDir;

    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void requireTheJar() {
        assumeTrue(
                Files.exists(ROOT.resolve("multimaster-server/target/multimaster.jar")),
                "multimaster.jar is not built; run ./mvnw -B verify");
    }

    private Run multimaster(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/multimaster").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("MULTIMASTER_DB");
        builder.environment().remove("MULTIMASTER_JAVA_OPTS");
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("bin/multimaster %s finished", command)
                .isTrue();
        Run run = new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    @Test
    void shouldManageMastersInStateSqliteOfTheWorkingDirectory() throws Exception {
        assertThat(multimaster("list"))
                .isEqualTo(new Run(
                        3,
                        "",
                        "multimaster: database sqlite:///state.sqlite does not exist (no file "
                                + workDir.toRealPath().resolve("state.sqlite")
                                + "); check --db or $MULTIMASTER_DB, or run 'multimaster upgrade' to create it\n"));

        assertThat(multimaster("upgrade"))
                .isEqualTo(new Run(
                        0,
                        "database sqlite:///state.sqlite has multimaster's current schema\n"
                                + "marked 0 masters active with last_active 0; the next master to start will expire"
                                + " them and clean up after them\n",
                        ""));
        assertThat(workDir.resolve("state.sqlite")).exists();
        assertThat(multimaster("find", "host:/srv/a")).isEqualTo(new Run(0, "1\n", ""));
        assertThat(multimaster("activate", "1", "--json")).isEqualTo(new Run(0, "{\"changed\":true}\n", ""));

        Run list = multimaster("list", "--json");
        assertThat(list.exitCode()).isZero();
        assertThat(list.err()).isEmpty();
        assertThat(list.out())
                .matches("\\{\"masters\":\\[\\{\"active\":true,\"last_active\":\\d+,\"masterid\":1,"
                        + "\"name\":\"host:/srv/a\"}],\"meta\":\\{\"total\":1}}\n");

        assertThat(multimaster("show", "2"))
                .isEqualTo(new Run(1, "", "multimaster: no master has id 2; 'multimaster list' shows the masters\n"));
        assertThat(multimaster("bogus").exitCode()).isEqualTo(2);
    }

    @Test
    void shouldExitWith3AndHideThePasswordWhenTheDatabaseIsUnreachable() throws Exception {
        Run run = multimaster("list", "--db", "postgresql://u:secret@127.0.0.1:1/x");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("multimaster: cannot connect to postgresql://u:***@127.0.0.1:1/x: ")
                .doesNotContain("secret")
                .doesNotContain("\tat ")
                .hasLineCount(1);
    }
}
