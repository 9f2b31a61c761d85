package org.multimaster.db.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DbConnector;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.testing.TestDatabase;

class PostgresPagePlanTest extends AbstractPagePlanTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres("mm_page_plan");
    }

    @Override
    String analyze() {
        return "ANALYZE masters";
    }

    @Override
    String explainPrefix() {
        return "EXPLAIN ";
    }

    @Override
    String planColumn() {
        return "QUERY PLAN";
    }

    @Override
    String sortMarker() {
        // A Sort node, or an Incremental Sort of rows the index only partly ordered.
        return "Sort";
    }

    /**
     * A page asked again and again is planned once, not at every call: the driver makes the statement
     * a named server-side one after five executions, and PostgreSQL then keeps one generic plan when it
     * costs no more than the plans made for each call's values. A limit bound as a parameter defeats
     * that: unknown, it is costed as a tenth of the table, the generic plan never wins, and every page
     * is planned anew (70-92 µs of the bench's filtered page's 280-310 µs on the server, 13 µs with
     * the limit written as a number; docs/performance/data/pg-page-plans-2026-12-07.txt).
     */
    @Test
    void shouldPlanAPageOfTheSameShapeOnceInsteadOfAtEveryCall() throws SQLException {
        assertPlannedOnce(ResultSpec.builder()
                .filter("active", ResultSpec.Operator.EQ, true)
                .order("-last_active")
                .limit(50L)
                .build());
        assertPlannedOnce(ResultSpec.builder().order("name").limit(50L).build());
    }

    private void assertPlannedOnce(ResultSpec spec) throws SQLException {
        PlanCounts plans = new PlanCounts();
        try (DbConnector db = ProxiedConnector.open(database().url(), proxy -> proxy.listener(plans))) {
            for (int i = 0; i < 12; i++) {
                db.masters().getMasters(spec).join();
            }
        }
        assertThat(plans.generic)
                .as("generic plans of %s after 12 calls (%s)", spec, plans.sql)
                .isPositive();
        assertThat(plans.custom)
                .as("plans made for one call's values (%s)", plans.sql)
                .isLessThanOrEqualTo(5);
    }

    /** Reads, in the session of the connector's one connection, how its page statement was planned. */
    private static final class PlanCounts implements QueryExecutionListener {
        volatile long generic;
        volatile long custom;
        volatile String sql = "";

        @Override
        public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {}

        @Override
        public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
            String query = queryInfoList.get(queryInfoList.size() - 1).getQuery();
            if (!query.contains("total_count")) {
                return;
            }
            sql = query;
            try {
                Connection connection = execInfo.getStatement().getConnection();
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)"
                                + " FROM pg_prepared_statements WHERE NOT from_sql AND statement LIKE ?")) {
                    select.setString(1, "%total_count%");
                    try (ResultSet rs = select.executeQuery()) {
                        rs.next();
                        generic = rs.getLong(1);
                        custom = rs.getLong(2);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
