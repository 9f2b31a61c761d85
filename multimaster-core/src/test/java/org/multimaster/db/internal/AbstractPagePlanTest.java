package org.multimaster.db.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.proxy.ParameterSetOperation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DbConnector;
import org.multimaster.db.ListResult;
import org.multimaster.db.MasterModel;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.testing.TestDatabase;

/**
 * How the database answers a page of masters ordered by name, asked exactly as the connector asks
 * it: from the first rows of the name index, in its order, never by sorting every master. The SQL
 * and its parameters are caught between the pool and the driver and explained on the same database.
 *
 * <p>Only for the databases that have the index: on MySQL/MariaDB the name is a {@code TEXT} column,
 * compared as bytes through a cast, which no index there can serve.
 */
abstract class AbstractPagePlanTest {

    private static final int MASTERS = 2_000;

    private final LastSelect lastSelect = new LastSelect();
    private TestDatabase database;
    private DbConnector db;

    abstract TestDatabase database();

    /** The statement that updates the planner's statistics of the masters table. */
    abstract String analyze();

    /** What turns a query into the statement that returns its plan, e.g. {@code EXPLAIN }. */
    abstract String explainPrefix();

    /** The column of the plan's rows that describes a node. */
    abstract String planColumn();

    /** What the plan says when the database sorts the rows itself (a sort node or a temporary tree). */
    abstract String sortMarker();

    @BeforeEach
    void open() throws SQLException {
        database = database();
        database.reset();
        DbConnector.open(database.url()).close(); // creates the schema, indexes included
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO masters (name, name_hash, active, last_active) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < MASTERS; i++) {
                    // Names in an order of their own, not the ids'.
                    String name = "host-" + Integer.toHexString(i * 7919 % MASTERS) + ":/srv/" + i;
                    insert.setString(1, name);
                    insert.setString(2, NameHash.of(name));
                    insert.setInt(3, i % 2);
                    insert.setLong(4, 1_700_000_000L + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
        }
        db = ProxiedConnector.open(database.url(), proxy -> proxy.listener(lastSelect));
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void shouldReadAPageByNameFromTheNameIndexWithoutSortingEveryMaster() throws SQLException {
        ListResult<MasterModel> page = db.masters()
                .getMasters(ResultSpec.builder().order("name").limit(50L).build())
                .join();

        assertThat(page.items()).hasSize(50);
        assertThat(page.total()).isEqualTo(MASTERS);
        try (Connection connection = database.connect()) {
            String plan = explain(connection, lastSelect.sql, lastSelect.parameters);

            assertThat(plan).as(lastSelect.sql).contains("masters_name").doesNotContain(sortMarker());
        }
    }

    /** The plan of {@code sql} with {@code parameters}, one line per node, as the database prints it. */
    private String explain(Connection connection, String sql, List<Object> parameters) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(analyze());
        }
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement explain = connection.prepareStatement(explainPrefix() + sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                explain.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(planColumn())).append('\n');
                }
            }
        }
        return plan.toString();
    }

    /** The SQL and parameters of the last query the connector sent. */
    private static final class LastSelect implements QueryExecutionListener {
        volatile String sql = "";
        volatile List<Object> parameters = List.of();

        @Override
        public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {}

        @Override
        public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
            QueryInfo query = queryInfoList.get(queryInfoList.size() - 1);
            List<Object> values = new ArrayList<>();
            if (!query.getParametersList().isEmpty()) {
                List<ParameterSetOperation> operations =
                        new ArrayList<>(query.getParametersList().get(0));
                operations.sort(
                        Comparator.comparingInt(operation -> (Integer) operation.getArgs()[0]));
                for (ParameterSetOperation operation : operations) {
                    values.add(operation.getArgs()[1]);
                }
            }
            sql = query.getQuery();
            parameters = values;
        }
    }
}
