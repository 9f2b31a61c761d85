package org.multimaster.db.testing;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plain JDBC on a {@link TestDatabase}, on one auto-commit connection of its own (opened on first
 * use, so it sees only what the connector committed), for setting up rows and checking them
 * behind the connector's back. The few SQL differences the tests
 * need (auto-increment keys) live here, as capabilities of the backend, not in the tests.
 */
public final class RawSql implements AutoCloseable {

    private final TestDatabase database;
    private Connection connection;

    public RawSql(TestDatabase database) {
        this.database = database;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = database.connect();
        }
        return connection;
    }

    /** Closes the connection, if one was opened. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot close: " + e.getMessage(), e);
            } finally {
                connection = null;
            }
        }
    }

    /** Runs each statement (DDL or DML) with auto-commit on. */
    public void execute(String... statements) {
        try (Statement s = connection().createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("raw SQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * Creates Buildbot's optional link tables and its build history tables ({@code buildrequests},
     * {@code builds}, {@code steps}, {@code logs}) with Buildbot's column names, as far as a
     * deactivation touches them; create them before a connector opens, because it detects tables
     * when it opens.
     */
    public void createOptionalBuildbotTables() {
        execute(
                "CREATE TABLE builder_masters (id INTEGER NOT NULL PRIMARY KEY, builderid INTEGER NOT NULL,"
                        + " masterid INTEGER NOT NULL)",
                "CREATE UNIQUE INDEX builder_masters_identity ON builder_masters (builderid, masterid)",
                "CREATE TABLE configured_workers (id INTEGER NOT NULL PRIMARY KEY,"
                        + " buildermasterid INTEGER NOT NULL, workerid INTEGER NOT NULL)",
                "CREATE TABLE connected_workers (id INTEGER NOT NULL PRIMARY KEY, masterid INTEGER NOT NULL,"
                        + " workerid INTEGER NOT NULL)",
                "CREATE TABLE buildrequest_claims (brid INTEGER NOT NULL, masterid INTEGER NOT NULL,"
                        + " claimed_at INTEGER NOT NULL)",
                "CREATE UNIQUE INDEX brids ON buildrequest_claims (brid)",
                "CREATE TABLE builds (id INTEGER NOT NULL PRIMARY KEY, number INTEGER NOT NULL,"
                        + " builderid INTEGER NOT NULL, buildrequestid INTEGER NOT NULL, workerid INTEGER,"
                        + " masterid INTEGER NOT NULL, started_at INTEGER NOT NULL, complete_at INTEGER,"
                        + " state_string TEXT, results INTEGER)",
                "CREATE TABLE buildrequests (id INTEGER NOT NULL PRIMARY KEY, buildsetid INTEGER NOT NULL,"
                        + " builderid INTEGER NOT NULL, priority INTEGER NOT NULL DEFAULT 0, complete INTEGER"
                        + " DEFAULT 0, results SMALLINT, submitted_at INTEGER NOT NULL, complete_at INTEGER,"
                        + " waited_for SMALLINT DEFAULT 0)",
                "CREATE TABLE steps (id INTEGER NOT NULL PRIMARY KEY, number INTEGER NOT NULL,"
                        + " name VARCHAR(50) NOT NULL, buildid INTEGER NOT NULL, started_at INTEGER,"
                        + " complete_at INTEGER, state_string TEXT NOT NULL, results INTEGER,"
                        + " urls_json TEXT NOT NULL, hidden SMALLINT NOT NULL DEFAULT 0)",
                "CREATE TABLE logs (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL,"
                        + " slug VARCHAR(50) NOT NULL, stepid INTEGER NOT NULL, complete SMALLINT NOT NULL,"
                        + " num_lines INTEGER NOT NULL, type VARCHAR(1) NOT NULL)");
    }

    /** Runs one statement with bound parameters, auto-committed; returns the update count. */
    public int update(String sql, Object... parameters) {
        try (PreparedStatement s = connection().prepareStatement(sql)) {
            bind(s, parameters);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("raw SQL failed: " + e.getMessage(), e);
        }
    }

    /** Returns the rows of a query, each as column label (lower case) to value. */
    public List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (PreparedStatement s = connection().prepareStatement(sql)) {
            bind(s, parameters);
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        // Drivers differ in integer widths; compare as long.
                        if (value instanceof Number n && !(value instanceof java.math.BigDecimal)) {
                            value = n.longValue();
                        }
                        if (value instanceof java.math.BigDecimal d) {
                            value = d.longValueExact();
                        }
                        row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), value);
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("raw SQL failed: " + e.getMessage(), e);
        }
    }

    /** Returns the single long a query selects. */
    public long queryLong(String sql, Object... parameters) {
        List<Map<String, Object>> rows = rows(sql, parameters);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException("expected one value from " + sql + ", got " + rows);
        }
        return (Long) rows.get(0).values().iterator().next();
    }

    /** Every row of each table (in the order of its first column), to compare a database before and after. */
    public Map<String, List<Map<String, Object>>> snapshot(List<String> tables) {
        Map<String, List<Map<String, Object>>> snapshot = new LinkedHashMap<>();
        for (String table : tables) {
            snapshot.put(table, rows("SELECT * FROM " + table + " ORDER BY 1"));
        }
        return snapshot;
    }

    /** The number of rows in {@code table}. */
    public long count(String table) {
        return queryLong("SELECT COUNT(*) FROM " + table);
    }

    /** The names of the database's tables, in lower case. */
    public Set<String> tables() {
        try {
            Connection c = connection();
            DatabaseMetaData meta = c.getMetaData();
            Set<String> names = new TreeSet<>();
            try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
                }
            }
            return names;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list tables: " + e.getMessage(), e);
        }
    }

    /** The columns of {@code table} as name (lower case) to type name (upper case), in order. */
    public Map<String, String> columns(String table) {
        try {
            Connection c = connection();
            DatabaseMetaData meta = c.getMetaData();
            Map<String, String> columns = new LinkedHashMap<>();
            try (ResultSet rs = meta.getColumns(c.getCatalog(), c.getSchema(), table, "%")) {
                while (rs.next()) {
                    columns.put(
                            rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT),
                            rs.getString("TYPE_NAME").toUpperCase(Locale.ROOT));
                }
            }
            return columns;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list columns of " + table + ": " + e.getMessage(), e);
        }
    }

    /** The names (lower case) of the unique indexes on {@code table}. */
    public Set<String> uniqueIndexes(String table) {
        return indexes(table, true);
    }

    /** The names (lower case) of the indexes on {@code table}, unique or not. */
    public Set<String> indexes(String table) {
        return indexes(table, false);
    }

    private Set<String> indexes(String table, boolean uniqueOnly) {
        try {
            Connection c = connection();
            Set<String> names = new TreeSet<>();
            try (ResultSet rs = c.getMetaData().getIndexInfo(c.getCatalog(), c.getSchema(), table, uniqueOnly, false)) {
                while (rs.next()) {
                    String name = rs.getString("INDEX_NAME");
                    if (name != null) {
                        names.add(name.toLowerCase(Locale.ROOT));
                    }
                }
            }
            return names;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list indexes of " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * Drops every table, leaving the database as empty as {@link TestDatabase#reset()} does but
     * without recreating it, which takes a second or more on PostgreSQL. Use it between the tests
     * of a suite after one {@code reset()}; nothing may hold the tables open.
     */
    public void dropAllTables() {
        try (Statement s = connection().createStatement()) {
            String suffix = "";
            switch (database.kind()) {
                case POSTGRESQL -> suffix = " CASCADE";
                case MYSQL -> s.execute("SET FOREIGN_KEY_CHECKS = 0");
                case SQLITE -> s.execute("PRAGMA foreign_keys = OFF");
            }
            for (String table : tables()) {
                if (!table.startsWith("sqlite_")) {
                    s.execute("DROP TABLE IF EXISTS " + table + suffix);
                }
            }
            restoreForeignKeyChecks(s);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the tables: " + e.getMessage(), e);
        }
    }

    /** Deletes every row of the given tables and restarts their id sequences. */
    public void emptyTables(List<String> tables) {
        try (Statement s = connection().createStatement()) {
            switch (database.kind()) {
                case POSTGRESQL -> s.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
                case MYSQL -> {
                    s.execute("SET FOREIGN_KEY_CHECKS = 0");
                    for (String table : tables) {
                        s.execute("TRUNCATE TABLE " + table);
                    }
                    restoreForeignKeyChecks(s);
                }
                case SQLITE -> {
                    for (String table : tables) {
                        s.execute("DELETE FROM " + table);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty " + tables + ": " + e.getMessage(), e);
        }
    }

    /** The column definition of an auto-increment integer primary key on this backend. */
    public String autoIncrementPrimaryKey() {
        return switch (database.kind()) {
            case SQLITE -> "INTEGER NOT NULL PRIMARY KEY";
            case POSTGRESQL -> "SERIAL NOT NULL PRIMARY KEY";
            case MYSQL -> "INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY";
        };
    }

    /** The connection is reused: MariaDB checks foreign keys again for the rest of the test. */
    private void restoreForeignKeyChecks(Statement s) throws SQLException {
        switch (database.kind()) {
            case MYSQL -> s.execute("SET FOREIGN_KEY_CHECKS = 1");
            case SQLITE, POSTGRESQL -> {}
        }
    }

    private static void bind(PreparedStatement s, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            s.setObject(i + 1, parameters[i]);
        }
    }
}
