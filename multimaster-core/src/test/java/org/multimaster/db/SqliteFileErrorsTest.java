package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening an SQLite URL that names something other than a database file: a clear error, and nothing written. */
class SqliteFileErrorsTest {

    @TempDir
    Path dir;

    private static void open(Path file) {
        DbConnector.open("sqlite:///" + file).close();
    }

    private Stream<String> names() throws IOException {
        return Files.list(dir).map(p -> p.getFileName().toString()).sorted();
    }

    @Test
    void shouldSayThatAFileIsNotAnSqliteDatabaseAndLeaveIt() throws IOException {
        byte[] text = "name,active\nmaster-1,1\n".getBytes(StandardCharsets.UTF_8);
        byte[] noise = new byte[8192];
        new Random(7).nextBytes(noise);
        for (byte[] content : new byte[][] {text, noise}) {
            Path file = Files.write(dir.resolve("state.sqlite"), content);

            assertThatThrownBy(() -> open(file))
                    .isExactlyInstanceOf(MultimasterException.class)
                    .hasMessage("cannot open sqlite:///" + file + ": the file " + file
                            + " is not an SQLite database; check that --db names the database file (the file was"
                            + " left as it was)");
            assertThat(Files.readAllBytes(file)).isEqualTo(content);
            assertThat(names()).containsExactly("state.sqlite");
        }
    }

    @Test
    void shouldSayThatADirectoryIsNotADatabaseFile() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("state.sqlite"));

        assertThatThrownBy(() -> open(directory))
                .isExactlyInstanceOf(MultimasterException.class)
                .hasMessage("cannot open sqlite:///" + directory + ": " + directory
                        + " is a directory, not an SQLite database file; check that --db names the database file");
        assertThat(names()).containsExactly("state.sqlite");
        try (Stream<Path> inside = Files.list(directory)) {
            assertThat(inside).isEmpty();
        }
    }

    @Test
    void shouldSayThatTheDirectoryOfANewFileDoesNotExistOrIsAFile() throws IOException {
        Path missing = dir.resolve("no-such-dir").resolve("state.sqlite");
        Path plain = Files.writeString(dir.resolve("plain"), "a file");
        Path underAFile = plain.resolve("state.sqlite");

        assertThatThrownBy(() -> open(missing))
                .isExactlyInstanceOf(MultimasterException.class)
                .hasMessage("cannot open sqlite:///" + missing + ": " + missing.getParent() + " does not exist, so the"
                        + " file state.sqlite cannot be created in it; check that --db names the database file, or"
                        + " create the directory");
        assertThatThrownBy(() -> open(underAFile))
                .hasMessage("cannot open sqlite:///" + underAFile + ": " + plain + " is not a directory, so the file"
                        + " state.sqlite cannot be created in it; check that --db names the database file, or create"
                        + " the directory");
        assertThat(names()).containsExactly("plain");
        assertThat(Files.readString(plain)).isEqualTo("a file");
    }
}
