package org.multimaster.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
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
    private DatabaseUrl url;

    @BeforeEach
    void createSchema() {
        database.reset();
        url = DatabaseUrl.parse(database.url());
        DbConnector.builder().url(database.url()).open().close();
    }

    @Test
    void shouldLeaveNoDeadIndexEntriesForTheNextBatchToRead() throws Exception {
        try (Workload workload = Workload.open(url, Clock.systemUTC());
                Connection c = database.connect();
                Statement s = c.createStatement()) {
            workload.seed(20, 0, 0);
            // A batch of setAllMastersActiveLongTimeAgo puts every master at (active 1, last_active 0);
            // the reset moves them back to now, and their (1, 0) entries of the (active, last_active)
            // index stay behind, dead, in the range an expiry sweep reads.
            for (int i = 0; i < 5; i++) {
                s.executeUpdate("UPDATE masters SET active = 1, last_active = 0");
            }

            workload.reset(Operation.LONG_AGO);

            assertThat(sweepIndexEntries(s)).isZero();
        }
    }

    @Test
    void shouldLeaveTheFreshSeedWithStatisticsAndNothingDead() throws Exception {
        try (Workload workload = Workload.open(url, Clock.systemUTC());
                Connection c = database.connect();
                Statement s = c.createStatement()) {
            workload.seed(20, 0, 0);
            s.executeUpdate("UPDATE masters SET active = 1, last_active = 0");

            workload.seed(30, 5, 0);

            assertThat(sweepIndexEntries(s)).isZero();
            try (ResultSet rs = s.executeQuery("SELECT reltuples FROM pg_class WHERE relname = 'masters'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows the planner knows of").isEqualTo(35);
            }
        }
    }

    /**
     * The index entries, live or dead, that an expiry sweep with nothing stale reads: a bitmap scan
     * counts every entry it takes from the index before it looks at the rows.
     */
    private static long sweepIndexEntries(Statement s) throws Exception {
        s.execute("SET enable_seqscan = off");
        s.execute("SET enable_indexscan = off");
        s.execute("SET enable_indexonlyscan = off");
        try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM masters"
                + " WHERE active = 1 AND last_active < extract(epoch FROM now())::integer - 60")) {
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
