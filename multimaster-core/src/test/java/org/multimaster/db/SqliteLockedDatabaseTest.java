package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Named.named;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multimaster.db.testing.MutableClock;
import org.multimaster.db.testing.RawSql;
import org.multimaster.db.testing.SqliteLockHolder;
import org.multimaster.db.testing.TestDatabase;

/**
 * Every write operation on a SQLite file whose write lock another process holds (Python's sqlite3,
 * in {@code BEGIN IMMEDIATE}) for longer than the busy timeout: it fails with "database is locked",
 * after one busy timeout, having changed nothing; and once the lock is gone the same connector (its
 * one pooled connection) runs it as one transaction again.
 */
class SqliteLockedDatabaseTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(1);
    static final List<String> TABLES =
            List.of("masters", "schedulers", "scheduler_masters", "changesources", "changesource_masters");

    @TempDir
    Path dir;

    TestDatabase database;
    RawSql raw;
    DbConnector db;

    @BeforeEach
    void setUp() {
        database = TestDatabase.sqlite(dir);
        database.reset();
        db = DbConnector.builder()
                .url(database.url())
                .clock(new MutableClock(NOW))
                .busyTimeout(BUSY_TIMEOUT)
                // One connection: the operation after a failure runs on the very connection that failed.
                .poolSize(1)
                .open();
        raw = new RawSql(database);
        long now = NOW.getEpochSecond();
        raw.update(
                "INSERT INTO masters (id, name, name_hash, active, last_active) VALUES (1, 'idle', 'h1', 0, ?)", now);
        raw.update(
                "INSERT INTO masters (id, name, name_hash, active, last_active) VALUES (2, 'running', 'h2', 1, ?)",
                now);
        raw.update("INSERT INTO masters (id, name, name_hash, active, last_active) VALUES (3, 'gone', 'h3', 0, 0)");
        raw.execute(
                "INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (1, 'nightly', 's1', 1)",
                "INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (2, 'free', 's2', 1)",
                "INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (3, 'orphan', 's3', 1)",
                "INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (1, 2)",
                "INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (3, 1)",
                "INSERT INTO changesources (id, name, name_hash) VALUES (1, 'git', 'c1')",
                "INSERT INTO changesources (id, name, name_hash) VALUES (2, 'svn', 'c2')",
                "INSERT INTO changesource_masters (changesourceid, masterid) VALUES (1, 2)");
    }

    @AfterEach
    void tearDown() {
        db.close();
        raw.close();
    }

    static Stream<Named<Function<DbConnector, CompletableFuture<?>>>> writes() {
        return Stream.of(
                named("findMasterId", db -> db.masters().findMasterId("new")),
                named("setMasterState active", db -> db.masters().setMasterState(1, true)),
                named("setMasterState inactive", db -> db.masters().setMasterState(2, false)),
                named("setAllMastersActiveLongTimeAgo", db -> db.masters().setAllMastersActiveLongTimeAgo()),
                named("pruneMasters", db -> db.masters().pruneMasters(Duration.ofDays(1))),
                named("findSchedulerId", db -> db.schedulers().findSchedulerId("new")),
                named("claim a free scheduler", db -> db.schedulers().setSchedulerMaster(2, 2L)),
                named("take over a scheduler", db -> db.schedulers().setSchedulerMaster(3, 2L)),
                named("release a scheduler", db -> db.schedulers().setSchedulerMaster(1, null)),
                named("findChangeSourceId", db -> db.changeSources().findChangeSourceId("new")),
                named("claim a free change source", db -> db.changeSources().setChangeSourceMaster(2, 2L)),
                named("release a change source", db -> db.changeSources().setChangeSourceMaster(1, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldFailWithDatabaseLockedAndChangeNothingWhileAnotherProcessHoldsTheWriteLock(
            Function<DbConnector, CompletableFuture<?>> write) throws Exception {
        Map<String, List<Map<String, Object>>> before = snapshot();

        Throwable failure;
        try (SqliteLockHolder lock = SqliteLockHolder.hold(dir.resolve("state.sqlite"))) {
            failure = catchThrowable(() -> write.apply(db).join());
        }

        assertThat(failure).isInstanceOf(CompletionException.class);
        assertThat(failure.getCause())
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageStartingWith("cannot ")
                .hasMessageContaining(" on " + database.url() + ": database is locked (busy for ")
                .hasMessageEndingWith("another process holds its write lock; try again when it has finished;"
                        + " nothing was changed");
        // Measured from the start of the operation: one busy timeout, not one per retry.
        assertThat(failure.getCause().getMessage()).containsPattern("\\(busy for [12] s\\)");
        assertThat(snapshot()).isEqualTo(before);

        // The lock is gone: the same pooled connection runs the operation, as one transaction.
        assertThat(write.apply(db)).succeedsWithin(Duration.ofSeconds(30));
        assertThat(db.masters().setMasterState(2, false)).succeedsWithin(Duration.ofSeconds(30));
        assertThat(raw.queryLong("SELECT COUNT(*) FROM scheduler_masters WHERE masterid = 2"))
                .isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldBeAllOrNothingWhenTheLockIsReleasedWhileTheOperationWaits(
            Function<DbConnector, CompletableFuture<?>> write) throws Exception {
        Map<String, List<Map<String, Object>>> before = snapshot();
        Throwable failure;
        try (SqliteLockHolder lock = SqliteLockHolder.hold(dir.resolve("state.sqlite"))) {
            CompletableFuture<?> running = write.apply(db);
            // Released a little after the busy timeout: the operation must not run its statements
            // outside a transaction on a retry.
            Thread.sleep(BUSY_TIMEOUT.toMillis() + 300);
            lock.close();
            failure = catchThrowable(running::join);
        }

        if (failure != null) {
            assertThat(failure.getCause()).hasMessageContaining("database is locked");
            assertThat(snapshot()).isEqualTo(before);
        }
        assertThat(db.masters().setMasterState(2, true)).succeedsWithin(Duration.ofSeconds(30));
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldPruneNothingWithoutWaitingForTheWriteLockWhenNoMasterIsPrunable() throws Exception {
        // Master 3 stopped in 1970; nothing has been inactive for longer than 100 years.
        Duration longerThanAnyMaster = Duration.ofDays(365 * 100);
        try (SqliteLockHolder lock = SqliteLockHolder.hold(dir.resolve("state.sqlite"))) {
            assertThat(db.masters().pruneMasters(longerThanAnyMaster))
                    .succeedsWithin(BUSY_TIMEOUT.dividedBy(2))
                    .asList()
                    .isEmpty();
        }
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldOpenADatabaseWhoseSchemaIsCurrentWithoutTakingTheWriteLock() throws Exception {
        long id = db.masters().findMasterId("known").join();
        try (SqliteLockHolder lock = SqliteLockHolder.hold(dir.resolve("state.sqlite"));
                DbConnector reader = DbConnector.builder()
                        .url(database.url())
                        .busyTimeout(BUSY_TIMEOUT)
                        .open()) {
            assertThat(reader.masters().findMasterId("known"))
                    .succeedsWithin(Duration.ofSeconds(30))
                    .isEqualTo(id);
        }
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldReportInOneLineThatTheSchemaCannotBeCreatedWhileAnotherProcessHoldsTheWriteLock() throws Exception {
        Path other = dir.resolve("other.sqlite");
        try (RawSql setup = new RawSql(TestDatabase.sqlite(dir, "other.sqlite"))) {
            setup.execute("PRAGMA journal_mode=WAL", "CREATE TABLE unrelated (id INTEGER)");
        }

        Throwable failure;
        try (SqliteLockHolder lock = SqliteLockHolder.hold(other)) {
            failure = catchThrowable(() -> DbConnector.builder()
                    .url("jdbc:sqlite:" + other)
                    .busyTimeout(BUSY_TIMEOUT)
                    .open()
                    .close());
        }

        assertThat(failure)
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageStartingWith("cannot create or upgrade the schema of jdbc:sqlite:" + other
                        + ": database is locked (busy for ")
                .hasMessageEndingWith("another process holds its write lock; try again when it has finished");
        assertThat(failure.getMessage()).doesNotContain("\n");
    }

    private Map<String, List<Map<String, Object>>> snapshot() {
        return raw.snapshot(TABLES);
    }
}
