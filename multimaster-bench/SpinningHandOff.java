import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What spinning instead of sleeping would take off the hand-off of a call to a database thread. One
 * caller runs a one-row read by key, or a one-row durable write in auto-commit (a check-in), on a
 * table of 1,000 rows, back to back, five ways, which take turns over six rounds (the first one
 * dropped as warm-up):
 * <ul>
 *   <li>{@code direct}: on the calling thread, the floor's way;
 *   <li>{@code pool}: handed to eight threads shaped as the connector's executor (a
 *       {@link ThreadPoolExecutor} over a {@link LinkedBlockingQueue}) and the future joined;
 *   <li>{@code db-spins}: handed to eight threads of which the one that ran the last call spins for
 *       {@code SPIN_MICROS} before it sleeps, so that a call arriving meanwhile wakes nobody;
 *   <li>{@code both-spin}: the same, and the caller spins on the future for up to
 *       {@code SPIN_MICROS} before it joins, so that its own wake-up goes too;
 *   <li>{@code caller-spins}: the connector's executor and the spinning caller.
 * </ul>
 * Prints, per round, the p50, p90 and p99 of a call and the process's CPU time per call (every
 * thread, from the JVM), in µs. Each thread has a connection of its own.
 *
 * <p>Usage: {@code java -cp DRIVER.jar:slf4j-api.jar multimaster-bench/SpinningHandOff.java JDBC_URL read|write
 * CALLS SPIN_MICROS}, e.g. {@code jdbc:sqlite:/tmp/spin.db read 3000 100}. Creates and drops a
 * table {@code spin_handoff}. Its threads are daemons: the program ends when {@code main} returns.
 */
public class SpinningHandOff {

    /** Eight threads; after a call, one of them spins for a while before it parks, the rest park. */
    static final class SpinningExecutor implements Executor {
        private final ConcurrentLinkedQueue<Runnable> calls = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedDeque<Thread> parked = new ConcurrentLinkedDeque<>();
        private final AtomicInteger spinners = new AtomicInteger();
        private final long spinNanos;

        SpinningExecutor(int threads, long spinNanos) {
            this.spinNanos = spinNanos;
            for (int i = 0; i < threads; i++) {
                Thread thread = new Thread(this::work, "spinning-" + i);
                thread.setDaemon(true);
                thread.start();
            }
        }

        @Override
        public void execute(Runnable call) {
            calls.offer(call);
            // A spinner, which checks the queue again after it stops spinning, will take it.
            if (spinners.get() == 0) {
                Thread sleeper = parked.pollFirst();
                if (sleeper != null) {
                    LockSupport.unpark(sleeper);
                }
            }
        }

        private void work() {
            boolean spun = false;
            while (true) {
                Runnable call = calls.poll();
                if (call != null) {
                    call.run();
                    spun = false;
                } else if (!spun && spinners.compareAndSet(0, 1)) {
                    long until = System.nanoTime() + spinNanos;
                    while ((call = calls.poll()) == null && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    spinners.set(0);
                    spun = call == null;
                    if (call != null) {
                        call.run();
                    }
                } else {
                    Thread me = Thread.currentThread();
                    parked.addFirst(me);
                    if (calls.isEmpty()) {
                        LockSupport.park(this);
                    }
                    parked.remove(me);
                    spun = false;
                }
            }
        }
    }

    interface Call {
        void run(Connection connection) throws SQLException;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        boolean read = args[1].equals("read");
        int calls = Integer.parseInt(args[2]);
        long spinMicros = Long.parseLong(args[3]);
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            if (url.startsWith("jdbc:sqlite:")) {
                statement.execute("PRAGMA journal_mode = WAL");
            }
            statement.execute("DROP TABLE IF EXISTS spin_handoff");
            statement.execute("CREATE TABLE spin_handoff (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50),"
                    + " active INTEGER NOT NULL, last_active BIGINT NOT NULL)");
            for (int i = 1; i <= 1000; i++) {
                statement.execute("INSERT INTO spin_handoff VALUES (" + i + ", 'm" + i + "', 1, 0)");
            }
        }
        ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> {
            try {
                return DriverManager.getConnection(url);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Call call = read
                ? connection -> {
                    try (PreparedStatement select = connection.prepareStatement(
                            "SELECT id, name, active, last_active FROM spin_handoff WHERE id = ?")) {
                        select.setInt(1, 1 + ThreadLocalRandom.current().nextInt(1000));
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                rs.getString(2);
                            }
                        }
                    }
                }
                : connection -> {
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE spin_handoff SET last_active = ? WHERE id = ? AND active = 1")) {
                        update.setLong(1, System.currentTimeMillis());
                        update.setInt(2, 1 + ThreadLocalRandom.current().nextInt(1000));
                        update.executeUpdate();
                    }
                };
        Executor pool = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "pool");
            thread.setDaemon(true);
            return thread;
        });
        Executor spinning = new SpinningExecutor(8, spinMicros * 1_000);
        Map<String, Executor> executors = new LinkedHashMap<>();
        executors.put("direct", null);
        executors.put("pool", pool);
        executors.put("db-spins", spinning);
        executors.put("both-spin", spinning);
        executors.put("caller-spins", pool);
        Map<String, List<String>> rounds = new LinkedHashMap<>();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int round = 0; round < 6; round++) {
            for (Map.Entry<String, Executor> way : executors.entrySet()) {
                Executor executor = way.getValue();
                boolean callerSpins = way.getKey().endsWith("spin") || way.getKey().equals("caller-spins");
                long[] micros = new long[calls];
                long cpu = os.getProcessCpuTime();
                for (int i = 0; i < calls; i++) {
                    long start = System.nanoTime();
                    if (executor == null) {
                        call.run(connections.get());
                    } else {
                        CompletableFuture<Void> future = CompletableFuture.runAsync(() -> {
                            try {
                                call.run(connections.get());
                            } catch (SQLException e) {
                                throw new CompletionException(e);
                            }
                        }, executor);
                        long until = System.nanoTime() + spinMicros * 1_000;
                        while (callerSpins && !future.isDone() && System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        future.join();
                    }
                    micros[i] = (System.nanoTime() - start) / 1_000;
                }
                long cpuPerCall = (os.getProcessCpuTime() - cpu) / calls / 1_000;
                Arrays.sort(micros);
                if (round > 0) {
                    rounds.computeIfAbsent(way.getKey(), k -> new ArrayList<>()).add(micros[calls / 2] + " "
                            + micros[calls * 9 / 10] + " " + micros[calls * 99 / 100] + " " + cpuPerCall);
                }
            }
        }
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE spin_handoff");
        }
        System.out.printf("%s, %s, %d calls a round, spinning %d µs; per round: p50 p90 p99 CPU/call (µs)%n",
                url.replaceAll("[?].*", ""), args[1], calls, spinMicros);
        rounds.forEach((way, results) -> System.out.printf("%-12s | %s%n", way, String.join(" | ", results)));
    }
}
