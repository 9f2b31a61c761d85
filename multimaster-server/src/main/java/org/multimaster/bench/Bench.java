package org.multimaster.bench;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.multimaster.bench.Results.Cycle;
import org.multimaster.bench.Results.Environment;
import org.multimaster.bench.Results.Measurement;
import org.multimaster.bench.Results.Ratio;
import org.multimaster.bench.Results.Report;
import org.multimaster.bench.Results.Samples;
import org.multimaster.bench.Results.Settings;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;

/**
 * The scenario runner of {@code multimaster bench}: every measurement of the harness is taken here.
 *
 * <p>For each operation and round:
 *
 * <ol>
 *   <li>the workload picks the batch's arguments (the same for every side) and, before each side,
 *       puts the database in the operation's starting state, untimed;
 *   <li>the sides run the batch one after the other, in an order that rotates from round to round,
 *       so no side always runs on a warmer (or more fragmented) database;
 *   <li>each side reports every call's wall time; the round's ratio of two sides is the ratio of
 *       their mean times per call, and a comparison is reported as the median ratio of the rounds.
 * </ol>
 *
 * <p>Scenarios: {@code methods} (each operation, one caller), {@code concurrent} (writes and
 * lookups from {@code threads} callers, against Buildbot's one caller), {@code sweep} (expiry with
 * growing numbers of dead masters), {@code cycle} (a cluster of N masters each checking in and
 * sweeping once) and {@code listing} (a page of 50 at large N). The pages are also asked through
 * the HTTP data API ({@link HttpSide}), as a client of the daemon asks them.
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class Bench {

    /** Every scenario, in the order they run. */
    public static final List<String> SCENARIOS = List.of("methods", "concurrent", "sweep", "cycle", "listing");

    private static final List<Operation> CONCURRENT_OPERATIONS = List.of(
            Operation.CHECK_IN,
            Operation.ACTIVATE,
            Operation.DEACTIVATE,
            Operation.FIND_NEW,
            Operation.FIND_EXISTING,
            Operation.GET_MASTER);

    /**
     * What to run.
     *
     * @param python the Python with Buildbot, or null to measure without Buildbot
     */
    public record Options(
            String url,
            int masters,
            int dead,
            int threads,
            int rounds,
            int ops,
            Duration warmUp,
            @Nullable Path python,
            List<String> scenarios,
            Set<Operation> operations,
            List<Integer> cycleSizes,
            List<Integer> sweepDead,
            List<Integer> listingSizes,
            int listingActive) {

        public Options {
            Objects.requireNonNull(url, "url");
            positive(masters, "--masters", 1);
            positive(dead, "--dead", 0);
            positive(threads, "--threads", 1);
            if (threads > DbConnector.Builder.MAX_POOL_SIZE) {
                throw new IllegalArgumentException("--threads " + threads + " must be at most "
                        + DbConnector.Builder.MAX_POOL_SIZE + ": each caller has a pooled connection of its own");
            }
            positive(rounds, "--rounds", 1);
            positive(ops, "--ops", 1);
            Objects.requireNonNull(warmUp, "warmUp");
            if (warmUp.isNegative()) {
                throw new IllegalArgumentException("--warm-up " + warmUp + " must not be negative");
            }
            positive(listingActive, "--listing-active", 1);
            scenarios = List.copyOf(scenarios);
            for (String s : scenarios) {
                if (!SCENARIOS.contains(s)) {
                    throw new IllegalArgumentException(
                            "unknown scenario '" + s + "'; choose among " + String.join(", ", SCENARIOS));
                }
            }
            if (scenarios.isEmpty()) {
                throw new IllegalArgumentException("no scenario to run; choose among " + String.join(", ", SCENARIOS));
            }
            operations = operations.isEmpty() ? EnumSet.allOf(Operation.class) : EnumSet.copyOf(operations);
            cycleSizes = List.copyOf(cycleSizes);
            sweepDead = List.copyOf(sweepDead);
            listingSizes = List.copyOf(listingSizes);
            cycleSizes.forEach(n -> positive(n, "--cycle-sizes", 1));
            sweepDead.forEach(n -> positive(n, "--sweep-dead", 0));
            listingSizes.forEach(n -> positive(n, "--listing-sizes", 1));
            if (ops > masters) {
                throw new IllegalArgumentException("--ops " + ops + " must not exceed --masters " + masters
                        + ": each call of a batch acts on a different master");
            }
        }

        private static void positive(int value, String option, int min) {
            if (value < min) {
                throw new IllegalArgumentException(option + " " + value + " must be at least " + min);
            }
        }
    }

    private final Options options;
    private final DatabaseUrl url;
    private final Consumer<String> progress;
    private final Clock clock = Clock.systemUTC();
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final List<Cycle> cycles = new ArrayList<>();
    private final Map<Operation, List<Double>> buildbotSingle = new LinkedHashMap<>();

    private Bench(Options options, Consumer<String> progress) {
        this.options = options;
        this.url = DatabaseUrl.parse(options.url());
        this.progress = progress;
    }

    /**
     * Runs the scenarios.
     *
     * @param progress receives a line of progress before each step (for a terminal)
     * @return the measurements, ratios and cycles
     * @throws IllegalArgumentException if the database holds masters that are not the benchmark's
     * @throws BenchException if a side fails
     */
    public static Report run(Options options, Consumer<String> progress) throws Exception {
        return new Bench(options, progress).run();
    }

    private Report run() throws Exception {
        try (DbConnector db = DbConnector.builder()
                        .url(options.url())
                        .poolSize(options.threads())
                        .open();
                Workload workload = Workload.open(url, clock)) {
            List<Side> sides = new ArrayList<>();
            ConnectorSide connector = new ConnectorSide(db);
            sides.add(connector);
            BuildbotSide buildbot = null;
            // The HTTP server only when a page will be asked of it (a null resource is not closed).
            try (FloorSide floor = new FloorSide(url, clock);
                    HttpSide http = asksPages() ? HttpSide.start(options.url()) : null) {
                sides.add(floor);
                if (http != null) {
                    sides.add(http);
                }
                if (options.python() != null) {
                    progress.accept("starting Buildbot's connector");
                    buildbot = BuildbotSide.start(options.python(), url);
                    sides.add(buildbot);
                }
                Environment environment = environment(db, buildbot);
                int linkSlots = Math.max(options.ops(), options.masters());
                for (String scenario : options.scenarios()) {
                    switch (scenario) {
                        case "methods" -> methods(workload, sides, linkSlots);
                        case "concurrent" -> concurrent(workload, connector, floor, linkSlots);
                        case "sweep" -> sweep(workload, sides);
                        case "cycle" -> cycle(workload, connector, buildbot);
                        case "listing" -> listing(workload, sides);
                        default -> throw new IllegalStateException(scenario);
                    }
                }
                workload.wipe();
                return new Report(
                        environment,
                        new Settings(
                                options.masters(),
                                options.dead(),
                                options.threads(),
                                options.rounds(),
                                options.ops(),
                                options.warmUp().toMillis(),
                                buildbot != null,
                                options.scenarios()),
                        List.copyOf(measurements),
                        List.copyOf(ratios),
                        List.copyOf(cycles));
            } finally {
                if (buildbot != null) {
                    buildbot.close();
                }
            }
        }
    }

    /** Whether a scenario that runs the pages runs, with a page among the operations. */
    private boolean asksPages() {
        boolean scenario =
                options.scenarios().contains("methods") || options.scenarios().contains("listing");
        return scenario
                && (options.operations().contains(Operation.PAGE_ACTIVE)
                        || options.operations().contains(Operation.PAGE_BY_NAME));
    }

    private void methods(Workload workload, List<Side> sides, int linkSlots) throws Exception {
        workload.seed(options.masters(), options.dead(), linkSlots);
        Map<String, Integer> params = Map.of("masters", options.masters(), "dead", options.dead());
        for (Operation op : Operation.values()) {
            if (options.operations().contains(op)) {
                Map<String, Samples> bySide =
                        compare("methods", op, params, workload, sides, options.masters() + options.dead());
                Samples bb = bySide.get("buildbot");
                if (bb != null) {
                    buildbotSingle.put(op, bb.perCallMicros());
                }
            }
        }
    }

    /**
     * Runs one operation on every side for every round, and records measurements and ratios.
     *
     * @param rows the masters in the table, which sets the batches' length (see {@link #count})
     */
    private Map<String, Samples> compare(
            String scenario, Operation op, Map<String, Integer> params, Workload workload, List<Side> sides, int rows)
            throws Exception {
        int count = count(op, rows, false);
        int buildbotCount = count(op, rows, true);
        List<Side> active = sides.stream().filter(s -> s.supports(op)).toList();
        Map<String, Samples> bySide = new LinkedHashMap<>();
        active.forEach(s -> bySide.put(s.name(), new Samples()));
        Random random = new Random(op.ordinal() * 31L + params.hashCode());
        warmUpJit(scenario, op, params, workload, active, count, random);
        // Round 0 warms every side up (the drivers' statement caches, Buildbot's compiled SQL) and is
        // not recorded.
        for (int round = 0; round <= options.rounds(); round++) {
            Workload.Batch batch = workload.batch(op, round == 0 ? Math.min(count, 20) : count, random);
            for (int k = 0; k < active.size(); k++) {
                Side side = active.get((k + round) % active.size());
                progress.accept(scenario + " " + params + ": " + op.description() + ", "
                        + (round == 0 ? "warm-up" : "round " + round + "/" + options.rounds()) + ", " + side.name());
                Workload.Batch own = batch.forSide(side.name());
                if (side.name().equals("buildbot")) {
                    own = own.first(buildbotCount);
                }
                workload.prepare(own);
                long[] nanos = side.run(own);
                workload.reset(op);
                if (round > 0) {
                    Objects.requireNonNull(bySide.get(side.name())).add(nanos, sum(nanos) / (double) nanos.length);
                }
            }
        }
        bySide.forEach((side, samples) -> measurements.add(samples.measurement(scenario, op, side, 1, params)));
        Samples ours = bySide.get("multimaster");
        Samples floor = bySide.get("floor");
        Samples bb = bySide.get("buildbot");
        if (ours != null && floor != null) {
            ratios.add(ratio(
                    scenario, op, params, "multimaster", 1, ours.perCallMicros(), "floor", 1, floor.perCallMicros()));
        }
        if (ours != null && bb != null) {
            ratios.add(ratio(
                    scenario, op, params, "buildbot", 1, bb.perCallMicros(), "multimaster", 1, ours.perCallMicros()));
        }
        Samples http = bySide.get("http");
        if (http != null && ours != null) {
            ratios.add(ratio(
                    scenario, op, params, "http", 1, http.perCallMicros(), "multimaster", 1, ours.perCallMicros()));
        }
        if (http != null && bb != null) {
            ratios.add(ratio(scenario, op, params, "buildbot", 1, bb.perCallMicros(), "http", 1, http.perCallMicros()));
        }
        return bySide;
    }

    /**
     * Runs the operation on each side in the JVM (the connector, the floor) for {@code --warm-up},
     * unrecorded, so that the rounds measure compiled code: a round of a few hundred calls would
     * otherwise run the connector's longer path largely in the interpreter, and the JIT compiles a
     * method only after thousands of calls. Buildbot's side runs in CPython, which compiles nothing.
     */
    private void warmUpJit(
            String scenario,
            Operation op,
            Map<String, Integer> params,
            Workload workload,
            List<Side> sides,
            int count,
            Random random)
            throws Exception {
        for (Side side : sides) {
            if (side.name().equals("buildbot")) {
                continue;
            }
            progress.accept(scenario + " " + params + ": " + op.description() + ", JIT warm-up, " + side.name());
            long until = System.nanoTime() + options.warmUp().toNanos();
            for (int batches = 0; batches < 200 && System.nanoTime() < until; batches++) {
                Workload.Batch own = workload.batch(op, count, random).forSide(side.name());
                workload.prepare(own);
                side.run(own);
                workload.reset(op);
            }
        }
    }

    private void concurrent(Workload workload, ConnectorSide connector, FloorSide floor, int linkSlots)
            throws Exception {
        int threads = options.threads();
        workload.seed(
                Math.max(options.masters(), options.ops() * threads),
                options.dead(),
                Math.max(linkSlots, options.ops() * threads));
        Map<String, Integer> params =
                Map.of("masters", Math.max(options.masters(), options.ops() * threads), "dead", options.dead());
        for (Operation op : CONCURRENT_OPERATIONS) {
            if (!options.operations().contains(op)) {
                continue;
            }
            Map<String, Samples> bySide = new LinkedHashMap<>();
            List<Side> sides = List.of(connector, floor);
            Random random = new Random(op.ordinal());
            // Round 0 (not recorded) opens the pools' connections and warms the callers' paths up.
            for (int round = 0; round <= options.rounds(); round++) {
                // One batch split between the callers: each acts on masters of its own, as real masters do.
                Workload.Batch batch = workload.batch(op, options.ops() * threads, random);
                for (int k = 0; k < sides.size(); k++) {
                    Side side = sides.get((k + round) % sides.size());
                    progress.accept("concurrent, " + threads + " callers: " + op.description() + ", "
                            + (round == 0 ? "warm-up" : "round " + round + "/" + options.rounds()) + ", "
                            + side.name());
                    Workload.Batch own = batch.forSide(side.name());
                    workload.prepare(own);
                    long[] wallAndCalls = runConcurrently(side, own, threads);
                    workload.reset(op);
                    long wall = wallAndCalls[0];
                    long[] calls = java.util.Arrays.copyOfRange(wallAndCalls, 1, wallAndCalls.length);
                    if (round > 0) {
                        bySide.computeIfAbsent(side.name(), s -> new Samples())
                                .add(calls, wall / (double) calls.length);
                    }
                }
            }
            bySide.forEach((side, s) -> measurements.add(s.measurement("concurrent", op, side, threads, params)));
            Samples ours = Objects.requireNonNull(bySide.get("multimaster"));
            ratios.add(ratio(
                    "concurrent",
                    op,
                    params,
                    "multimaster",
                    threads,
                    ours.perCallMicros(),
                    "floor",
                    threads,
                    Objects.requireNonNull(bySide.get("floor")).perCallMicros()));
            List<Double> bb = buildbotSingle.get(op);
            if (bb != null) {
                double bbMedian = Results.median(bb);
                List<Double> perRound = ours.perCallMicros().stream()
                        .map(micros -> bbMedian / micros)
                        .toList();
                ratios.add(new Ratio(
                        "concurrent",
                        op.name(),
                        params,
                        "buildbot",
                        1,
                        "multimaster",
                        threads,
                        Results.median(perRound),
                        perRound));
            }
        }
    }

    /** Runs {@code batch} split between {@code threads} callers; returns the wall time, then each call's time. */
    private static long[] runConcurrently(Side side, Workload.Batch batch, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int per = batch.size() / threads;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Workload.Batch slice = new Workload.Batch(
                        batch.op(),
                        batch.ids().subList(t * per, (t + 1) * per),
                        batch.names().subList(t * per, (t + 1) * per));
                futures.add(pool.submit(() -> {
                    go.await();
                    return side.run(slice);
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            List<long[]> results = new ArrayList<>();
            for (Future<long[]> f : futures) {
                results.add(f.get());
            }
            long wall = System.nanoTime() - start;
            long[] out = new long[1 + per * threads];
            out[0] = wall;
            int i = 1;
            for (long[] r : results) {
                System.arraycopy(r, 0, out, i, r.length);
                i += r.length;
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private void sweep(Workload workload, List<Side> sides) throws Exception {
        for (int dead : options.sweepDead()) {
            workload.seed(options.masters(), dead, 0);
            compare(
                    "sweep",
                    Operation.SWEEP,
                    Map.of("masters", options.masters(), "dead", dead),
                    workload,
                    sides,
                    options.masters() + dead);
        }
    }

    private void cycle(Workload workload, ConnectorSide connector, @Nullable BuildbotSide buildbot) throws Exception {
        int threads = options.threads();
        for (int n : options.cycleSizes()) {
            workload.seed(n, options.dead(), 0);
            List<Long> ids = workload.activeIds();
            int rounds = Math.min(options.rounds(), 3);
            List<Double> dbMillis = new ArrayList<>();
            List<Double> wallMillis = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                progress.accept("cycle of " + n + " masters, round " + (round + 1) + "/" + rounds + ", multimaster");
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    List<Future<Long>> futures = new ArrayList<>();
                    long start = System.nanoTime();
                    for (int t = 0; t < threads; t++) {
                        int first = t;
                        futures.add(pool.submit(() -> {
                            long busy = 0;
                            for (int i = first; i < ids.size(); i += threads) {
                                busy += sum(connector.run(
                                        new Workload.Batch(Operation.CHECK_IN, List.of(ids.get(i)), List.of(""))));
                                busy += sum(connector.run(
                                        new Workload.Batch(Operation.SWEEP, List.of(ids.get(i)), List.of(""))));
                            }
                            return busy;
                        }));
                    }
                    long busy = 0;
                    for (Future<Long> f : futures) {
                        busy += f.get();
                    }
                    wallMillis.add((System.nanoTime() - start) / 1e6);
                    dbMillis.add(busy / 1e6);
                } finally {
                    pool.shutdownNow();
                }
                workload.reset(Operation.CHECK_IN);
            }
            cycles.add(new Cycle(
                    n,
                    options.dead(),
                    "multimaster",
                    Results.median(dbMillis),
                    Results.median(wallMillis),
                    false,
                    rounds));
            if (buildbot != null) {
                Random random = new Random(n);
                double checkIn = 0;
                double sweep = 0;
                for (int round = 0; round < rounds; round++) {
                    progress.accept(
                            "cycle of " + n + " masters, round " + (round + 1) + "/" + rounds + ", buildbot (sampled)");
                    long[] c = buildbot.run(workload.batch(Operation.CHECK_IN, Math.min(n, options.ops()), random));
                    workload.reset(Operation.CHECK_IN);
                    long[] s = buildbot.run(
                            workload.batch(Operation.SWEEP, count(Operation.SWEEP, n + options.dead(), true), random));
                    workload.reset(Operation.SWEEP);
                    checkIn += sum(c) / (double) c.length / rounds;
                    sweep += sum(s) / (double) s.length / rounds;
                }
                cycles.add(new Cycle(
                        n, options.dead(), "buildbot", n * (checkIn + sweep) / 1e6, Double.NaN, true, rounds));
            }
        }
    }

    private void listing(Workload workload, List<Side> sides) throws Exception {
        for (int n : options.listingSizes()) {
            int active = Math.min(n, options.listingActive());
            workload.seed(active, n - active, 0);
            Map<String, Integer> params = Map.of("masters", n, "active", active);
            for (Operation op : List.of(Operation.PAGE_ACTIVE, Operation.PAGE_BY_NAME)) {
                if (options.operations().contains(op)) {
                    compare("listing", op, params, workload, sides, n);
                }
            }
        }
    }

    /**
     * Calls per batch on Buildbot's side or on the others: {@code --ops}, or for an operation whose
     * call touches all {@code rows} on that side, as many as make {@code --ops} calls over 100 rows
     * (at least one).
     */
    private int count(Operation op, int rows, boolean buildbot) {
        int ops = options.ops();
        if (!op.wholeTable(buildbot)) {
            return ops;
        }
        return (int) Math.max(1, Math.min(ops, ops * 100L / Math.max(100, rows)));
    }

    private static Ratio ratio(
            String scenario,
            Operation op,
            Map<String, Integer> params,
            String numerator,
            int numeratorThreads,
            List<Double> numeratorMicros,
            String denominator,
            int denominatorThreads,
            List<Double> denominatorMicros) {
        List<Double> perRound = new ArrayList<>();
        for (int i = 0; i < numeratorMicros.size(); i++) {
            perRound.add(numeratorMicros.get(i) / denominatorMicros.get(i));
        }
        return new Ratio(
                scenario,
                op.name(),
                params,
                numerator,
                numeratorThreads,
                denominator,
                denominatorThreads,
                Results.median(perRound),
                perRound);
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    private Environment environment(DbConnector db, @Nullable BuildbotSide buildbot) throws SQLException {
        String product;
        String version;
        try (Connection c = Workload.connect(url)) {
            DatabaseMetaData meta = c.getMetaData();
            product = meta.getDatabaseProductName();
            version = meta.getDatabaseProductVersion();
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun
                ? sun.getTotalMemorySize() / (1024 * 1024)
                : -1;
        return new Environment(
                ZonedDateTime.now(clock).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                hostName(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                memory,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                product,
                version,
                db.isBuildbotSchema() ? "buildbot" : "multimaster",
                buildbot == null ? "" : buildbot.version());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the architecture will do
        }
        return System.getProperty("os.arch");
    }
}
