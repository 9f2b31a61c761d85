package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.testing.SqliteDamage;

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

    /** A database of {@code count} registered masters, its write-ahead log folded into the file. */
    private Path databaseOf(int count) {
        Path file = dir.resolve("state.sqlite");
        try (DbConnector db = DbConnector.open("sqlite:///" + file)) {
            for (int i = 0; i < count; i++) {
                db.masters().findMasterId("master-" + i).join();
            }
        }
        return file;
    }

    private static String damagedAdvice(Path file) {
        return "the file " + file + " is damaged; stop the masters that use it and restore it from a backup (the"
                + " sqlite3 shell's .recover command copies what can still be read into a new file)";
    }

    @Test
    void shouldSayThatATruncatedDatabaseIsDamagedWithoutPointingAtAServer() throws IOException {
        Path file = databaseOf(300);
        byte[] cut = Arrays.copyOf(Files.readAllBytes(file), 5000);
        Files.write(file, cut);

        assertThatThrownBy(() -> open(file))
                .isExactlyInstanceOf(MultimasterException.class)
                .hasMessage("cannot open sqlite:///" + file + ": [SQLITE_CORRUPT] The database disk image is malformed"
                        + " (database disk image is malformed); " + damagedAdvice(file));
        assertThat(Files.readAllBytes(file)).isEqualTo(cut);
    }

    @Test
    void shouldSayThatTheFileIsDamagedWhenAQueryMeetsABrokenPage() throws IOException {
        Path file = databaseOf(20);
        SqliteDamage.breakRootPageOf(file, "masters");

        try (DbConnector db = DbConnector.open("sqlite:///" + file)) {
            assertThatThrownBy(() -> db.masters().getMasters().join())
                    .isExactlyInstanceOf(CompletionException.class)
                    .cause()
                    .isExactlyInstanceOf(MultimasterException.class)
                    .hasMessageStartingWith("cannot ")
                    .hasMessageContaining(" on sqlite:///" + file + ": [SQLITE_CORRUPT] ")
                    .hasMessageEndingWith("; " + damagedAdvice(file));
        }
    }

    private String fullDiskAdvice() {
        return "free space on the disk that holds " + dir + " (SQLite writes the database and its -wal and -shm files"
                + " there), then try again";
    }

    @Test
    void shouldSayToFreeSpaceWhenTheDiskIsFullAndWriteNothing() {
        Path file = databaseOf(1);
        // max_page_count makes SQLite answer SQLITE_FULL as a full disk would, once the file is that big.
        String full = "jdbc:sqlite:" + file + "?max_page_count=" + pageCount(file);

        try (DbConnector db = DbConnector.open(full)) {
            assertThatThrownBy(
                            () -> db.masters().findMasterId("x".repeat(20_000)).join())
                    .cause()
                    .isExactlyInstanceOf(MultimasterException.class)
                    .hasMessageContaining(" on " + full + ": [SQLITE_FULL] ")
                    .hasMessageEndingWith("; " + fullDiskAdvice());
            assertThat(db.masters().getMasters().join())
                    .extracting(MasterModel::name)
                    .containsExactly("master-0");
        }
    }

    /**
     * Room for Flyway's history table but not for the first migration: before, the connector took the
     * empty history table for another process creating the schema and waited 30 s for it.
     */
    @Test
    @Timeout(15)
    void shouldSayToFreeSpaceAtOnceWhenTheDiskFillsUpWhileTheSchemaIsCreated() {
        Path file = dir.resolve("state.sqlite");
        String full = "jdbc:sqlite:" + file + "?max_page_count=8";

        assertThatThrownBy(() -> DbConnector.open(full).close())
                .isExactlyInstanceOf(MultimasterException.class)
                .hasMessageStartingWith("cannot create or upgrade the schema of " + full + ": [SQLITE_FULL] ")
                .hasMessageEndingWith("; " + fullDiskAdvice());
    }

    /** Room for the first migration but not for all: before, the failure left the schema at version 1. */
    @Test
    void shouldLeaveNoMigrationAppliedWhenTheDiskFillsUpDuringTheLast() {
        Path file = dir.resolve("state.sqlite");
        String full = "jdbc:sqlite:" + file + "?max_page_count=14";

        assertThatThrownBy(() -> DbConnector.open(full).close())
                .hasMessageStartingWith("cannot create or upgrade the schema of " + full + ": [SQLITE_FULL] ");

        try (DbConnector db =
                DbConnector.builder().url("sqlite:///" + file).migrate(false).open()) {
            fail("expected no schema, found version " + db.schemaVersion().orElse("none"));
        } catch (MultimasterException expected) {
            assertThat(expected)
                    .hasMessageEndingWith(
                            " has no masters table; run 'multimaster upgrade --db URL' to" + " create the schema");
        }
        try (DbConnector db = DbConnector.open("sqlite:///" + file)) {
            assertThat(db.schemaVersionFound()).isEmpty();
            assertThat(db.schemaVersion()).contains("3");
        }
    }

    @Test
    void shouldSayThatSqliteCannotReadOrWriteItsFilesWithoutPointingAtAServer() throws Exception {
        Path file = databaseOf(1);
        Path shm = dir.resolve("state.sqlite-shm");
        Files.deleteIfExists(shm);
        // A named pipe where SQLite maps its shared memory: SQLITE_IOERR_SHMOPEN, as a failing disk gives.
        assertThat(new ProcessBuilder("mkfifo", shm.toString()).start().waitFor())
                .isZero();

        assertThatThrownBy(() -> open(file))
                .isExactlyInstanceOf(MultimasterException.class)
                .hasMessageStartingWith("cannot open sqlite:///" + file + ": [SQLITE_IOERR_SHMOPEN] ")
                .hasMessageEndingWith("; SQLite could not read or write " + file + " or its -wal and -shm files beside"
                        + " it; check that they are plain files and that the disk that holds " + dir + " works and has"
                        + " free space, then try again");
    }

    private static long pageCount(Path file) {
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = sqlite.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA page_count")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
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
