package org.multimaster.bench.jmh;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading 1,000 rows shaped as masters (id, name, active, last_active) into objects, each column
 * looked up by its label against by its position, through plain JDBC on one connection: what the
 * connector's row readers pay for naming their columns. Runs on a table of its own in the scratch
 * database ({@link ScratchDatabase}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ColumnLookupBenchmark {

    private static final String TABLE = "column_lookup_bench";
    private static final String SELECT = "SELECT id, name, active, last_active FROM " + TABLE + " ORDER BY id";

    @Param({"sqlite", "postgresql", "mariadb"})
    public String db = "sqlite";

    @Param({"1000"})
    public int rows = 1000;

    private Connection connection;

    /** A row as the connector's model holds it. */
    public record Row(long id, String name, boolean active, Instant lastActive) {}

    /** Creates the table, filled with {@code rows} rows. */
    @Setup(Level.Trial)
    public void open() throws SQLException {
        connection = DriverManager.getConnection(ScratchDatabase.url(db));
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    + " active SMALLINT NOT NULL, last_active INTEGER NOT NULL)");
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + TABLE + " (id, name, active, last_active) VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= rows; i++) {
                insert.setInt(1, i);
                insert.setString(2, "master-" + i);
                insert.setInt(3, i % 2);
                insert.setLong(4, 1_700_000_000L + i);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Drops the table. */
    @TearDown(Level.Trial)
    public void close() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE " + TABLE);
        }
        connection.close();
    }

    /** Each column by its label: {@code getLong("id")}. */
    @Benchmark
    public List<Row> byLabel() throws SQLException {
        return readAll(rs -> new Row(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getInt("active") != 0,
                Instant.ofEpochSecond(rs.getLong("last_active"))));
    }

    /** Each column by its position: {@code getLong(1)}. */
    @Benchmark
    public List<Row> byPosition() throws SQLException {
        return readAll(
                rs -> new Row(rs.getLong(1), rs.getString(2), rs.getInt(3) != 0, Instant.ofEpochSecond(rs.getLong(4))));
    }

    /** Reads one row of the result. */
    @FunctionalInterface
    private interface RowReader {
        Row read(ResultSet rs) throws SQLException;
    }

    private List<Row> readAll(RowReader reader) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT);
                ResultSet rs = select.executeQuery()) {
            List<Row> read = new ArrayList<>();
            while (rs.next()) {
                read.add(reader.read(rs));
            }
            return read;
        }
    }
}
