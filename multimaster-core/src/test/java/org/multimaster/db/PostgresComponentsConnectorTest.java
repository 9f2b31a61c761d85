package org.multimaster.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.multimaster.db.testing.TestDatabase;

/** The components contract on PostgreSQL, database {@code mm_components}. */
class PostgresComponentsConnectorTest extends ComponentsConnectorContract {

    @Override
    protected TestDatabase database(Path dir) {
        return TestDatabase.postgres("mm_components");
    }

    /** Sequential scans are switched off so the plan shows whether the index can serve the query. */
    @Override
    protected String explain(Connection connection, String query, long bound) throws SQLException {
        try (Statement setup = connection.createStatement()) {
            setup.execute("ANALYZE masters");
            setup.execute("SET enable_seqscan = off");
        }
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + query)) {
            explain.setLong(1, bound);
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
