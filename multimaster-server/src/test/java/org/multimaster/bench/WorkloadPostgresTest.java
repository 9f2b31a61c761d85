package org.multimaster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;

/**
 * What a batch of writes leaves behind on PostgreSQL must not be timed in the next batch: the
 * workload's reset leaves the table as autovacuum keeps a live registry.
 */
class WorkloadPostgresTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestDatabase database = TestDatabase.postgres("mm_bench_workload");
    private Workload workload;
    private Connection connection;
    private Statement s;

    @BeforeEach
    void open() throws Exception {
        database.reset();
        DbConnector.open(database.url()).close();
        workload = Workload.open(DatabaseUrl.parse(database.url()), Clock.systemUTC());
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
    void shouldLeaveNoDeadIndexEntriesForTheNextBatchToRead() throws Exception {
        workload.seed(20, 0, 0);
        // A batch of setAllMastersActiveLongTimeAgo puts every master at (active 1, last_active 0);
        // the reset moves them back to a heartbeat ago, and their (1, 0) entries of the (active, last_active)
        // index stay behind, dead, in the range an expiry sweep reads.
        for (int i = 0; i < 5; i++) {
            s.executeUpdate("UPDATE masters SET active = 1, last_active = 0");
        }

        workload.reset(Operation.LONG_AGO);

        assertThat(sweepIndexEntries(s)).isZero();
    }

    @Test
    void shouldLeaveTheFreshSeedWithStatisticsAndNothingDead() throws Exception {
        workload.seed(20, 0, 0);
        s.executeUpdate("UPDATE masters SET active = 1, last_active = 0");

        workload.seed(30, 5, 0);

        assertThat(sweepIndexEntries(s)).isZero();
        try (ResultSet rs = s.executeQuery("SELECT reltuples FROM pg_class WHERE relname = 'masters'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows the planner knows of").isEqualTo(35);
        }
    }

    /**
     * The index entries, live or dead, that the benchmark's expiry sweep reads when nothing is stale:
     * a bitmap scan counts every entry it takes from the index before it looks at the rows.
     */
    private static long sweepIndexEntries(Statement s) throws Exception {
        s.execute("SET enable_seqscan = off");
        s.execute("SET enable_indexscan = off");
        s.execute("SET enable_indexonlyscan = off");
        try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM masters"
                + " WHERE active = 1 AND last_active < extract(epoch FROM now())::integer - "
                + ConnectorSide.EXPIRY.toSeconds())) {
            rs.next();
            JsonNode plan = JSON.readTree(rs.getString(1)).get(0).get("Plan");
            JsonNode indexScan = plan.findParents("Node Type").stream()
                    .filter(node -> node.get("Node Type").asText().equals("Bitmap Index Scan"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no bitmap index scan in " + plan));
            assertThat(indexScan.get("Index Name").asText()).isEqualTo("masters_active_last_active");
            return indexScan.get("Actual Rows").asLong();
        } finally {
            s.execute("RESET ALL");
        }
    }
}
