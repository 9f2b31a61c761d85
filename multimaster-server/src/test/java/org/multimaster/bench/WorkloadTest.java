package org.multimaster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;

/** The baseline every batch of the benchmark starts from. */
class WorkloadTest {

    private static final long NOW = 1_800_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Workload workload;
    private Connection connection;
    private Statement s;

    @BeforeEach
    void open() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir);
        DbConnector.open(database.url()).close();
        workload = Workload.open(DatabaseUrl.parse(database.url()), CLOCK);
        connection = database.connect();
        s = connection.createStatement();
    }

    @AfterEach
    void close() throws Exception {
        // Null when the database was not reachable and the test was skipped.
        if (workload != null) {
            s.close();
            connection.close();
            workload.close();
        }
    }

    @Test
    void shouldNameItsMastersInAsciiDigitsWhateverTheDefaultLocale() throws Exception {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("ar-EG")); // formats 1 as U+0661 by default
        try {
            workload.seed(2, 1, 0);
        } finally {
            Locale.setDefault(saved);
        }
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT name FROM masters ORDER BY id")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        assertThat(names).containsExactly("bench-a-0000000", "bench-a-0000001", "bench-d-0000000");
    }

    @Test
    void shouldStartEveryBatchFromMastersThatCheckedInAHeartbeatAgoSoThatACheckInWritesANewValue() throws Exception {
        workload.seed(5, 2, 0);
        assertThat(lastActive(s, "bench-a-%")).containsOnly(NOW - 60);

        // A batch of check-ins at now, then the reset.
        s.executeUpdate("UPDATE masters SET last_active = " + NOW + " WHERE name LIKE 'bench-a-%'");
        workload.reset(Operation.CHECK_IN);

        assertThat(lastActive(s, "bench-a-%")).containsOnly(NOW - 60);
        assertThat(lastActive(s, "bench-d-%")).containsOnly(NOW - 30L * 24 * 3600);
        // Nothing of the baseline is stale for the benchmark's expiry.
        assertThat(NOW - 60).isGreaterThan(NOW - ConnectorSide.EXPIRY.toSeconds());
    }

    @Test
    void shouldRenewOnlyTheActiveMastersAfterASweepWhichChangesNoRow() throws Exception {
        workload.seed(5, 3, 0);
        s.executeUpdate("UPDATE masters SET last_active = " + NOW + " WHERE name LIKE 'bench-a-%'");
        // A value no reset writes: the dead rows must not be written at all.
        s.executeUpdate("UPDATE masters SET last_active = 7 WHERE name LIKE 'bench-d-%'");

        workload.reset(Operation.SWEEP);

        assertThat(lastActive(s, "bench-a-%")).containsOnly(NOW - 60);
        assertThat(lastActive(s, "bench-d-%")).containsOnly(7L);
    }

    @Test
    void shouldPrepareADeactivationFromAMasterThatCheckedInAHeartbeatAgo() throws Exception {
        workload.seed(5, 0, 4);
        s.executeUpdate("UPDATE masters SET active = 0, last_active = 0");

        workload.prepare(
                new Workload.Batch(Operation.DEACTIVATE, workload.activeIds().subList(0, 2), List.of("", "")));

        try (ResultSet rs = s.executeQuery("SELECT active, last_active FROM masters WHERE id IN ("
                + workload.activeIds().get(0) + ", " + workload.activeIds().get(1) + ")")) {
            while (rs.next()) {
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getLong(2)).isEqualTo(NOW - 60);
            }
        }
    }

    private static List<Long> lastActive(Statement s, String names) throws Exception {
        List<Long> values = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT last_active FROM masters WHERE name LIKE '" + names + "'")) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        assertThat(values).isNotEmpty();
        return values;
    }
}
