package org.multimaster.runtime;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;

class SqliteMasterRuntimeTest extends MasterRuntimeContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    /**
     * Only SQLite gives up on a lock after a set time (its busy timeout): elsewhere a check-in waits
     * for the lock and then succeeds, which is no outage to report.
     */
    @Test
    void shouldSayHowLongTheDatabaseWasGoneInWholeUnitsWhenItChecksInAgain() throws Exception {
        DbConnector impatient = DbConnector.builder()
                .url(database.url())
                .clock(clock)
                .busyTimeout(Duration.ofMillis(100))
                .open();
        toClose.add(impatient);
        Duration interval = Duration.ofSeconds(1);
        MasterRuntime runtime = started(
                runtime(impatient, "host:/a").heartbeatInterval(interval).expiry(Duration.ofSeconds(10)));
        List<String> warnings;
        try (AutoCloseable outage = database.lockMastersTable()) {
            warnings = LoggedMessages.of(CheckIns.class, Level.WARN, () -> {
                for (int beat = 1; beat <= 3; beat++) {
                    clock.advance(interval.plusMillis(250));
                    runtime.heartbeat(); // fails: the database is locked
                }
            });
        }
        clock.advance(Duration.ofMillis(1_600));
        List<String> recovered = LoggedMessages.of(CheckIns.class, Level.INFO, runtime::heartbeat);

        assertThat(warnings)
                .singleElement(as(STRING))
                .contains("cannot check in: ")
                .endsWith("; retrying every 1s");
        assertThat(recovered)
                .anySatisfy(message -> assertThat(message).endsWith("checked in again: the database is back after 4s"));
    }
}
