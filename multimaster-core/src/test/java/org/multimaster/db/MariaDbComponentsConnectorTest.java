package org.multimaster.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.multimaster.db.testing.TestDatabase;

/** The components contract on MariaDB, database {@code mm_components}. */
class MariaDbComponentsConnectorTest extends ComponentsConnectorContract {

    @Override
    protected TestDatabase database(Path dir) {
        return TestDatabase.mariadb("mm_components");
    }

    /** The plan's {@code key} column names the index the optimizer picked for each table. */
    @Override
    protected String explain(Connection connection, String query, long bound) throws SQLException {
        try (Statement analyze = connection.createStatement()) {
            analyze.execute("ANALYZE TABLE masters");
        }
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + query)) {
            explain.setLong(1, bound);
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString("table"))
                            .append(": key=")
                            .append(rs.getString("key"))
                            .append(" type=")
                            .append(rs.getString("type"))
                            .append('\n');
                }
            }
        }
        return plan.toString();
    }
}
