import java.sql.*;
import java.util.*;
import java.util.concurrent.*;

/**
 * The expiry sweep's query on SQLite, run 2,000 times on one connection, either on the calling
 * thread or handed to a single-thread executor and its future joined; every 50 calls, another
 * connection of the same process writes (untimed): nothing, two one-row updates, or a rewrite of
 * every row (the bench's reset before 2026-12-07). Prints the p50 and p90 per call, and the mean by
 * position after the write. The database is made afresh: 1,000 masters that checked in 60 s ago and
 * 10,000 inactive for 30 days, in multimaster's SQLite layout of the masters table (WAL).
 * Usage: java -cp sqlite-jdbc.jar:slf4j-api.jar multimaster-bench/AfterWrites.java SCRATCH_FILE
 */
public class AfterWrites {
  public static void main(String[] a) throws Exception {
    String db = a[0];
    java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(db));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("CREATE TABLE masters (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL,"
          + " name_hash VARCHAR(40) NOT NULL, active INTEGER NOT NULL, last_active INTEGER NOT NULL)");
      s.execute("CREATE UNIQUE INDEX master_name_hashes ON masters (name_hash)");
      s.execute("CREATE INDEX masters_active_last_active ON masters (active, last_active)");
      long now = System.currentTimeMillis() / 1000;
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO masters (name, name_hash, active, last_active) VALUES (?, ?, ?, ?)")) {
        for (int i = 0; i < 11000; i++) {
          boolean live = i < 1000;
          insert.setString(1, (live ? "bench-a-" : "bench-d-") + i);
          insert.setString(2, Integer.toString(i));
          insert.setInt(3, live ? 1 : 0);
          insert.setLong(4, live ? now - 60 : now - 2592000);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      c.commit();
    }
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r); t.setDaemon(true); return t; });
    String q = "SELECT id, name, active, last_active FROM masters WHERE active = 1 AND last_active < (strftime('%s','now') - ?) ORDER BY id";
    for (String write : new String[] {"none", "two rows", "every row"}) {
      for (boolean handedOff : new boolean[] {false, true}) {
        try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + db);
             Connection w = DriverManager.getConnection("jdbc:sqlite:" + db)) {
          Callable<Void> call = () -> {
            try (PreparedStatement s = r.prepareStatement(q)) {
              s.setLong(1, 600);
              try (ResultSet rs = s.executeQuery()) { while (rs.next()) { } }
            }
            return null;
          };
          for (int i = 0; i < 20000; i++) call.call(); // JIT
          long[] t = new long[4000];
          double[] byPosition = new double[50];
          for (int i = 0; i < t.length; i++) {
            if (i % 50 == 0 && !write.equals("none")) {
              long now = System.currentTimeMillis() / 1000;
              String where = write.equals("two rows") ? "= '%s1'" : "LIKE '%s%%'";
              try (Statement s = w.createStatement()) {
                s.executeUpdate("UPDATE masters SET last_active = " + (now - 60) + " WHERE name " + String.format(where, "bench-a-"));
                s.executeUpdate("UPDATE masters SET last_active = " + (now - 2592000) + " WHERE name " + String.format(where, "bench-d-"));
              }
            }
            long s0 = System.nanoTime();
            if (handedOff) ex.submit(call).get(); else call.call();
            t[i] = System.nanoTime() - s0;
            byPosition[i % 50] += t[i] / 1e3 / (t.length / 50);
          }
          Arrays.sort(t);
          System.out.printf("write every 50 calls: %-9s  %-11s  p50 %6.1f us  p90 %6.1f us  calls 1, 2, 3, 10, 49 after the write: %.0f, %.0f, %.0f, %.0f, %.0f us%n",
              write, handedOff ? "handed off" : "direct", t[t.length / 2] / 1e3, t[t.length * 9 / 10] / 1e3,
              byPosition[0], byPosition[1], byPosition[2], byPosition[9], byPosition[49]);
        }
      }
    }
    ex.shutdown();
  }
}
