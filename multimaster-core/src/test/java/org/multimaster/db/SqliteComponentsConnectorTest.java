package org.multimaster.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.multimaster.db.testing.TestDatabase;

/** The components contract on a SQLite file. */
class SqliteComponentsConnectorTest extends ComponentsConnectorContract {

    @Override
    protected TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    @Override
    protected String explain(Connection connection, String query, long bound) throws SQLException {
        try (Statement analyze = connection.createStatement()) {
            analyze.execute("ANALYZE");
        }
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN QUERY PLAN " + query)) {
            explain.setLong(1, bound);
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString("detail")).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
