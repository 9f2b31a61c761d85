package org.multimaster.interop;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.testing.TestDatabase;

/**
 * One backend for the Buildbot interoperability tests: the test database, the {@code db_url} that
 * Buildbot (and multimaster) open it with, the Python driver Buildbot needs for it, and what the
 * backend can do when Buildbot is involved.
 *
 * <p>The server backends use the local servers with the default ports and the database
 * {@code mm_interop}. Not thread-safe.
 */
final class InteropDatabase {

    static final String DATABASE_NAME = "mm_interop";

    private final TestDatabase database;
    private final String buildbotUrl;
    private final @Nullable String driverModule;
    private final @Nullable String driverPackage;
    private final boolean storesFourByteCharacters;

    private InteropDatabase(
            TestDatabase database,
            String buildbotUrl,
            @Nullable String driverModule,
            @Nullable String driverPackage,
            boolean storesFourByteCharacters) {
        this.database = database;
        this.buildbotUrl = buildbotUrl;
        this.driverModule = driverModule;
        this.driverPackage = driverPackage;
        this.storesFourByteCharacters = storesFourByteCharacters;
    }

    /** A SQLite file in {@code dir}. */
    static InteropDatabase sqlite(Path dir) {
        Path file = dir.toAbsolutePath().resolve("state.sqlite");
        return new InteropDatabase(TestDatabase.sqlite(dir.toAbsolutePath()), "sqlite:///" + file, null, null, true);
    }

    /** The PostgreSQL database {@code mm_interop}, through Buildbot's default driver psycopg2. */
    static InteropDatabase postgres() {
        TestDatabase database = TestDatabase.postgres(DATABASE_NAME);
        return new InteropDatabase(
                database,
                "postgresql://postgres@127.0.0.1:5432/" + database.name(),
                "psycopg2",
                "python3-psycopg2",
                true);
    }

    /**
     * The MariaDB database {@code mm_interop}, through PyMySQL. Buildbot forces the connection
     * character set {@code utf8} (MySQL's three-byte UTF-8), so no name with a character outside
     * the Basic Multilingual Plane (an emoji) can pass through Buildbot on MySQL.
     */
    static InteropDatabase mariadb() {
        TestDatabase database = TestDatabase.mariadb(DATABASE_NAME);
        return new InteropDatabase(
                database,
                "mysql+pymysql://root@127.0.0.1:3306/" + database.name(),
                "pymysql",
                "python3-pymysql",
                false);
    }

    /** The test database (reset, raw JDBC connections). */
    TestDatabase database() {
        return database;
    }

    /** The {@code db_url} as written in a Buildbot {@code master.cfg}; multimaster accepts it too. */
    String buildbotUrl() {
        return buildbotUrl;
    }

    /** Whether names with four-byte UTF-8 characters (emoji) can pass through Buildbot. */
    boolean storesFourByteCharacters() {
        return storesFourByteCharacters;
    }

    /** Skips (or, in CI, fails) the calling test if Buildbot lacks the driver for this backend. */
    void requireDriver(Buildbot buildbot) {
        if (driverModule != null && driverPackage != null) {
            buildbot.requireDriver(driverModule, driverPackage);
        }
    }

    /** Deletes every master, behind the connectors' backs. */
    void deleteAllMasters() throws SQLException {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM masters");
        }
    }

    /**
     * The parts of the schema that multimaster must leave alone on a database Buildbot created:
     * every table, the columns and indexes of {@code masters}, and Buildbot's alembic revision.
     */
    SchemaSnapshot snapshot() throws SQLException {
        try (Connection c = database.connect()) {
            DatabaseMetaData meta = c.getMetaData();
            String catalog = c.getCatalog();
            String schema = c.getSchema();
            TreeSet<String> tables = new TreeSet<>();
            try (ResultSet rs = meta.getTables(catalog, schema, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
                }
            }
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = meta.getColumns(catalog, schema, "masters", "%")) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + "("
                            + rs.getInt("COLUMN_SIZE") + ") nullable=" + rs.getString("IS_NULLABLE"));
                }
            }
            TreeSet<String> indexes = new TreeSet<>();
            try (ResultSet rs = meta.getIndexInfo(catalog, schema, "masters", false, false)) {
                while (rs.next()) {
                    if (rs.getString("INDEX_NAME") != null) {
                        indexes.add(rs.getString("INDEX_NAME") + " unique=" + !rs.getBoolean("NON_UNIQUE") + " "
                                + rs.getString("COLUMN_NAME"));
                    }
                }
            }
            List<String> alembic = new ArrayList<>();
            if (tables.contains("alembic_version")) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT version_num FROM alembic_version")) {
                    while (rs.next()) {
                        alembic.add(rs.getString(1));
                    }
                }
            }
            return new SchemaSnapshot(List.copyOf(tables), List.copyOf(columns), List.copyOf(indexes), alembic);
        }
    }

    /**
     * For each table, its columns as {@code name type(size) nullable=…} in column order, its primary
     * key and its other unique indexes; defaults, plain indexes and character sets are left out.
     */
    Map<String, List<String>> tableDefinitions(List<String> tables) throws SQLException {
        Map<String, List<String>> definitions = new TreeMap<>();
        try (Connection c = database.connect()) {
            DatabaseMetaData meta = c.getMetaData();
            for (String table : tables) {
                List<String> definition = new ArrayList<>();
                try (ResultSet rs = meta.getColumns(c.getCatalog(), c.getSchema(), table, "%")) {
                    while (rs.next()) {
                        definition.add(rs.getString("COLUMN_NAME") + " "
                                + rs.getString("TYPE_NAME").toLowerCase(Locale.ROOT) + "(" + rs.getInt("COLUMN_SIZE")
                                + ") nullable=" + rs.getString("IS_NULLABLE"));
                    }
                }
                TreeSet<String> primaryKey = new TreeSet<>();
                try (ResultSet rs = meta.getPrimaryKeys(c.getCatalog(), c.getSchema(), table)) {
                    while (rs.next()) {
                        primaryKey.add(rs.getString("COLUMN_NAME"));
                    }
                }
                definition.add("primary key " + primaryKey);
                Map<String, TreeSet<String>> uniqueIndexes = new TreeMap<>();
                try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), c.getSchema(), table, true, false)) {
                    while (rs.next()) {
                        String index = rs.getString("INDEX_NAME");
                        // sqlite-jdbc lists plain indexes even when asked for unique ones only.
                        if (index != null && !rs.getBoolean("NON_UNIQUE")) {
                            uniqueIndexes
                                    .computeIfAbsent(index, k -> new TreeSet<>())
                                    .add(rs.getString("COLUMN_NAME"));
                        }
                    }
                }
                // The primary key's own index has a generated name that differs between databases.
                List<String> unique = new ArrayList<>();
                uniqueIndexes.forEach((index, columns) -> {
                    if (!columns.equals(primaryKey)) {
                        unique.add("unique index " + index + " " + columns);
                    }
                });
                definition.addAll(unique);
                definitions.put(table, definition);
            }
        }
        return definitions;
    }

    @Override
    public String toString() {
        return database.toString();
    }

    /** Tables, {@code masters} columns and indexes, and alembic revisions, for comparison. */
    record SchemaSnapshot(
            List<String> tables,
            List<String> masterColumns,
            List<String> masterIndexes,
            List<String> alembicRevisions) {}
}
