package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multimaster.db.testing.RawSql;
import org.multimaster.db.testing.SqliteLockHolder;
import org.multimaster.db.testing.TestDatabase;

/**
 * Every command on a SQLite file whose write lock another process (Python's sqlite3, in
 * {@code BEGIN IMMEDIATE}) holds for longer than the busy timeout: a command that writes fails with
 * exit 3 and one line saying the database is locked, having changed nothing; a command that only
 * reads, {@code find} of a known name included, works.
 */
class CliSqliteLockedTest {

    static final List<String> TABLES =
            List.of("masters", "schedulers", "scheduler_masters", "changesources", "changesource_masters");

    @TempDir
    Path dir;

    final Cli cli = Cli.withoutEnvironment();
    String url;
    RawSql raw;

    @BeforeEach
    void setUp() {
        TestDatabase database = TestDatabase.sqlite(dir);
        database.reset();
        // A short busy timeout keeps the test quick; the default is 10 s.
        url = "jdbc:sqlite:" + dir.resolve("state.sqlite") + "?busy_timeout=1000";
        assertThat(run("upgrade").exitCode()).isZero();
        assertThat(run("find", "idle").out()).isEqualTo("1\n");
        assertThat(run("find", "silent").out()).isEqualTo("2\n");
        raw = new RawSql(database);
        // idle: inactive for years (prunable); silent: active, last check-in years ago (expirable).
        raw.update("UPDATE masters SET active = 0, last_active = 1348971992 WHERE id = 1");
        raw.update("UPDATE masters SET active = 1, last_active = 1348971992 WHERE id = 2");
        raw.execute(
                "INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (1, 'nightly', 's1', 1)",
                "INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (1, 2)");
    }

    @AfterEach
    void tearDown() {
        raw.close();
    }

    Cli.Result run(String... args) {
        String[] withDb = new String[args.length + 2];
        System.arraycopy(args, 0, withDb, 0, args.length);
        withDb[args.length] = "--db";
        withDb[args.length + 1] = url;
        return cli.run(withDb);
    }

    @ParameterizedTest
    @ValueSource(strings = {"activate 1", "deactivate 2", "find new", "upgrade", "expire", "prune --inactive-for 30d"})
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldFailInOneLineAndChangeNothingWhileAnotherProcessHoldsTheWriteLock(String command) throws Exception {
        Map<String, List<Map<String, Object>>> before = snapshot();

        Cli.Result result;
        List<String> logged;
        try (LogCapture log = LogCapture.asConfigured();
                SqliteLockHolder lock = SqliteLockHolder.hold(dir.resolve("state.sqlite"))) {
            result = run(command.split(" "));
            logged = log.lines();
        }

        assertThat(result.exitCode()).isEqualTo(ExitCodes.DATABASE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .startsWith("multimaster: cannot ")
                .contains(" on " + url + ": database is locked (busy for ")
                .endsWith("another process holds its write lock; try again when it has finished;"
                        + " nothing was changed\n")
                .hasLineCount(1);
        assertThat(logged).isEmpty();
        assertThat(snapshot()).isEqualTo(before);

        assertThat(run(command.split(" ")).exitCode())
                .as("once the lock is gone")
                .isZero();
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldReadFindAKnownNameAndPruneNothingWhileAnotherProcessHoldsTheWriteLock() throws Exception {
        try (LogCapture log = LogCapture.asConfigured();
                SqliteLockHolder lock = SqliteLockHolder.hold(dir.resolve("state.sqlite"))) {
            assertThat(run("find", "idle")).isEqualTo(new Cli.Result(0, "1\n", ""));
            assertThat(run("show", "2", "--json"))
                    .isEqualTo(new Cli.Result(
                            0,
                            "{\"active\":true,\"last_active\":1348971992,\"masterid\":2,\"name\":\"silent\"}\n",
                            ""));
            assertThat(run("list", "--limit", "0", "--json"))
                    .isEqualTo(new Cli.Result(0, "{\"masters\":[],\"meta\":{\"total\":2}}\n", ""));
            // idle stopped in 2012: nothing has been inactive for a century, and finding that takes no lock.
            assertThat(run("prune", "--inactive-for", "36500d"))
                    .isEqualTo(new Cli.Result(
                            0, "no master has been inactive and unreferenced for longer than 36500d\n", ""));
            assertThat(log.lines()).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldNotLetANameInAnErrorForgeALineOrReachTheTerminal() throws Exception {
        Cli.Result result;
        try (SqliteLockHolder lock = SqliteLockHolder.hold(dir.resolve("state.sqlite"))) {
            result = run("find", "new\nmultimaster: forged\u001b[31m");
        }

        assertThat(result.exitCode()).isEqualTo(ExitCodes.DATABASE);
        assertThat(result.err())
                .startsWith("multimaster: cannot register master 'new\\u000amultimaster: forged\\u001b[31m' on ")
                .hasLineCount(1);
    }

    private Map<String, List<Map<String, Object>>> snapshot() {
        return raw.snapshot(TABLES);
    }
}
