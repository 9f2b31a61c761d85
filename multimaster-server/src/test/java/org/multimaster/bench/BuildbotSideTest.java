package org.multimaster.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DatabaseUrl;

/** How the bench reports a Buildbot side that fails before it answers. */
class BuildbotSideTest {

    @TempDir
    Path dir;

    @Test
    void shouldQuoteWhatTheDriverWroteWithoutTheDatabasePassword() throws Exception {
        // Stands in for Python: it fails at once, writing the password into its error output as a
        // driver's message might, in the middle of a line and not in a URL.
        Path python = dir.resolve("python3");
        Files.writeString(
                python,
                "#!/bin/sh\n"
                        + "echo 'Traceback (most recent call last):' >&2\n"
                        + "echo 'OperationalError: password \"s3cr3t\" rejected for user bb' >&2\n"
                        + "exit 1\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> BuildbotSide.start(python, DatabaseUrl.parse("postgresql://bb:s3cr3t@127.0.0.1:1/bb")))
                .isInstanceOf(BenchException.class)
                .hasMessage("Buildbot's connector exited during 'open Buildbot's connector': Traceback (most recent"
                        + " call last):\nOperationalError: password \"***\" rejected for user bb");
    }
}
