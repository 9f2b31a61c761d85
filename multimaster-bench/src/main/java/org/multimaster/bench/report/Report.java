package org.multimaster.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.multimaster.bench.Operation;
import org.multimaster.bench.report.Charts.Point;

/**
 * Writes the charts and the result tables of {@code docs/PERFORMANCE.md} from measured data only:
 * the JSON of {@code multimaster bench --json}, one file per database, and optionally the JSON of
 * {@code multimaster-bench/footprint.sh}. The targets of the issue are checked here, against those
 * numbers, so the document cannot claim what was not measured.
 *
 * <pre>java -cp multimaster-bench/target/benchmarks.jar org.multimaster.bench.report.Report \
 *     --out docs/performance bench-sqlite.json bench-postgresql.json [--footprint footprint.json]</pre>
 *
 * <p>A file may be given as {@code LABEL=FILE}: its rows are then labelled {@code LABEL} instead of
 * the database's name.
 *
 * <p>Not thread-safe.
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a target's row names the pages asked through the HTTP data API. */
    private static final String THROUGH_HTTP = ", through the HTTP API";

    private final List<JsonNode> runs = new ArrayList<>();
    /** Later runs whose scenarios replaced those of an earlier run on the same database. */
    private final List<JsonNode> reruns = new ArrayList<>();

    private @Nullable JsonNode footprint;
    private @Nullable JsonNode jmh;
    private final StringBuilder md = new StringBuilder();
    private final List<String[]> targets = new ArrayList<>();

    private Report() {}

    /**
     * Reads the measurements and writes {@code results.md} and the PNG charts into the output directory.
     *
     * @param args {@code --out DIR}, then bench JSON files, {@code --replaces FILE} for a later run
     *     of some scenarios on a database named before (it replaces those scenarios of that run),
     *     {@code --footprint FILE} and {@code --jmh FILE}
     */
    public static void main(String[] args) throws IOException {
        Report report = new Report();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--footprint" -> report.footprint = JSON.readTree(Files.readString(Path.of(args[++i])));
                case "--jmh" -> report.jmh = JSON.readTree(Files.readString(Path.of(args[++i])));
                case "--replaces" -> report.replace(JSON.readTree(Files.readString(Path.of(args[++i]))));
                default -> {
                    // LABEL=FILE names a run in the tables, e.g. a second run on the same database.
                    int equals = args[i].indexOf('=');
                    String file = equals < 0 ? args[i] : args[i].substring(equals + 1);
                    JsonNode run = JSON.readTree(Files.readString(Path.of(file)));
                    if (equals >= 0) {
                        ((ObjectNode) run.get("environment")).put("label", args[i].substring(0, equals));
                    }
                    report.runs.add(run);
                }
            }
        }
        if (out == null || report.runs.isEmpty()) {
            throw new IllegalArgumentException("usage: Report --out DIR BENCH.json... [--footprint FOOTPRINT.json]");
        }
        Files.createDirectories(out);
        report.write(out);
    }

    /**
     * Puts the measurements of {@code later}, a run of some scenarios only, in place of the same
     * scenarios' measurements in the last run given before on the same database: the tables then show
     * each scenario as last measured, and the environment table lists the later run too.
     */
    private void replace(JsonNode later) {
        String kind = kind(later);
        ObjectNode earlier = null;
        for (JsonNode run : runs) {
            if (kind(run).equals(kind) && !run.at("/environment/label").isTextual()) {
                earlier = (ObjectNode) run;
            }
        }
        if (earlier == null) {
            throw new IllegalArgumentException("--replaces: no earlier run on " + kind + " to replace scenarios of");
        }
        Set<String> scenarios = new TreeSet<>();
        later.get("measurements").forEach(m -> scenarios.add(m.get("scenario").asText()));
        for (String array : new String[] {"measurements", "ratios"}) {
            ArrayNode merged = JSON.createArrayNode();
            earlier.get(array).forEach(m -> {
                if (!scenarios.contains(m.get("scenario").asText())) {
                    merged.add(m);
                }
            });
            later.get(array).forEach(merged::add);
            earlier.set(array, merged);
        }
        ((ObjectNode) later.get("environment")).put("label", kind + ", " + String.join(", ", scenarios) + " re-run");
        reruns.add(later);
    }

    private void write(Path out) throws IOException {
        environment();
        methods(out);
        concurrent(out);
        sweep(out);
        cycle(out);
        listing(out);
        footprint(out);
        jmh();
        targets();
        Files.writeString(out.resolve("results.md"), md.toString());
    }

    /** The run's name in the tables: its label, else its database. */
    private static String db(JsonNode run) {
        return run.at("/environment/label").isTextual()
                ? run.at("/environment/label").asText()
                : kind(run);
    }

    /** The run's database: SQLite, PostgreSQL or MariaDB. */
    private static String kind(JsonNode run) {
        String product = run.at("/environment/database").asText();
        return product.toLowerCase(Locale.ROOT).contains("postgres")
                ? "PostgreSQL"
                : product.toLowerCase(Locale.ROOT).contains("sqlite") ? "SQLite" : "MariaDB";
    }

    private void environment() {
        md.append("### Machine and databases\n\n| database | version | date | machine | Java | Buildbot |\n")
                .append("|---|---|---|---|---|---|\n");
        List<JsonNode> all = new ArrayList<>(runs);
        all.addAll(reruns);
        for (JsonNode run : all) {
            JsonNode e = run.get("environment");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s, %d cores, %d MiB, %s | %s | %s |%n",
                    db(run),
                    e.get("databaseVersion").asText(),
                    e.get("date").asText(),
                    e.get("cpu").asText(),
                    e.get("cores").asInt(),
                    e.get("memoryMiB").asLong(),
                    e.get("os").asText(),
                    e.get("java").asText(),
                    e.get("buildbot").asText()));
        }
        JsonNode s = runs.get(0).get("settings");
        md.append(String.format(
                Locale.ROOT,
                "%nSettings: %d masters, %d dead, %d threads, %d rounds of %d calls per side (fewer for calls that"
                        + " touch every row), after one warm-up round.%n%n",
                s.get("masters").asInt(),
                s.get("dead").asInt(),
                s.get("threads").asInt(),
                s.get("rounds").asInt(),
                s.get("ops").asInt()));
    }

    private void methods(Path out) throws IOException {
        Map<String, Map<String, Double>> vsBuildbot = new LinkedHashMap<>();
        Map<String, Map<String, Double>> vsFloor = new LinkedHashMap<>();
        md.append("### Each method, one caller\n\n")
                .append("Median over the rounds of Buildbot's time per call ÷ multimaster's (× Buildbot) and of"
                        + " multimaster's ÷ the bare JDBC floor's (× floor); ops/s and p50/p99 of multimaster.\n\n")
                .append("| operation | database | ops/s | p50 µs | p99 µs | floor p50 µs | Buildbot p50 µs |"
                        + " × Buildbot | × floor |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Operation op : Operation.values()) {
            for (JsonNode run : runs) {
                String db = db(run);
                JsonNode ours = measurement(run, "methods", op, "multimaster", 1);
                if (ours == null) {
                    continue;
                }
                JsonNode floor = measurement(run, "methods", op, "floor", 1);
                JsonNode bb = measurement(run, "methods", op, "buildbot", 1);
                double xBuildbot = ratio(run, "methods", op, "buildbot", "multimaster", 1);
                double xFloor = ratio(run, "methods", op, "multimaster", "floor", 1);
                vsBuildbot.computeIfAbsent(db, k -> new LinkedHashMap<>()).put(op.name(), xBuildbot);
                vsFloor.computeIfAbsent(db, k -> new LinkedHashMap<>()).put(op.name(), xFloor);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        op.description(),
                        db,
                        num(ours.get("opsPerSecond").asDouble()),
                        num(ours.get("p50Micros").asDouble()),
                        num(ours.get("p99Micros").asDouble()),
                        floor == null ? "" : num(floor.get("p50Micros").asDouble()),
                        bb == null ? "" : num(bb.get("p50Micros").asDouble()),
                        times(xBuildbot),
                        times(xFloor)));
                check(op, db, kind(run), xBuildbot, xFloor);
            }
        }
        md.append("\n![multimaster against Buildbot](methods-vs-buildbot.png)\n\n")
                .append("![multimaster against the bare JDBC floor](methods-vs-floor.png)\n\n");
        Charts.bars(
                out.resolve("methods-vs-buildbot.png"),
                "One caller: Buildbot's time per call ÷ multimaster's (higher is better)",
                "× Buildbot",
                vsBuildbot,
                true,
                8,
                "8×");
        Charts.bars(
                out.resolve("methods-vs-floor.png"),
                "One caller: multimaster's time per call ÷ the bare JDBC floor's (lower is better)",
                "× floor",
                vsFloor,
                false,
                1.3,
                "1.3×");
    }

    private void check(Operation op, String db, String kind, double xBuildbot, double xFloor) {
        target("every method ≤ 1.3× its bare JDBC floor", db + ", " + op.description(), xFloor, 1.3, false);
        // The issue sets Buildbot ratios for SQLite and PostgreSQL; a run without Buildbot has none.
        if (kind.equals("MariaDB") || Double.isNaN(xBuildbot)) {
            return;
        }
        switch (op.category()) {
            case READ -> target("every read ≥ 8× Buildbot", db + ", " + op.description(), xBuildbot, 8, true);
            case WRITE -> {
                double goal = db.equals("SQLite") ? 8 : 3;
                target(
                        "every write ≥ " + (int) goal + "× Buildbot on " + db,
                        db + ", " + op.description(),
                        xBuildbot,
                        goal,
                        true);
            }
            case LISTING -> target("listing ≥ 5× Buildbot per row", db + ", " + op.description(), xBuildbot, 5, true);
            default -> {}
        }
    }

    private void concurrent(Path out) throws IOException {
        Map<String, Map<String, Double>> rates = new LinkedHashMap<>();
        md.append("### Concurrent callers\n\n| operation | database | callers | ops/s | p50 µs | p99 µs | × floor |"
                + " × Buildbot's one caller |\n|---|---|---|---|---|---|---|---|\n");
        for (JsonNode run : runs) {
            String db = db(run);
            for (JsonNode m : run.get("measurements")) {
                if (!m.get("scenario").asText().equals("concurrent")
                        || !m.get("side").asText().equals("multimaster")) {
                    continue;
                }
                Operation op = Operation.valueOf(m.get("operation").asText());
                int threads = m.get("threads").asInt();
                double xFloor = ratio(run, "concurrent", op, "multimaster", "floor", threads);
                double xBuildbot = ratio(run, "concurrent", op, "buildbot", "multimaster", threads);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %s | %s | %s | %s | %s |%n",
                        op.description(),
                        db,
                        threads,
                        num(m.get("opsPerSecond").asDouble()),
                        num(m.get("p50Micros").asDouble()),
                        num(m.get("p99Micros").asDouble()),
                        times(xFloor),
                        times(xBuildbot)));
                rates.computeIfAbsent(db, k -> new LinkedHashMap<>()).put(op.name(), xBuildbot);
                if (db.equals("PostgreSQL") && op.category() == Operation.Category.WRITE) {
                    target(
                            threads + " callers: writes on PostgreSQL ≥ 6× Buildbot's one caller",
                            op.description(),
                            xBuildbot,
                            6,
                            true);
                }
            }
        }
        md.append("\n![concurrent callers against Buildbot's one caller](concurrent.png)\n\n");
        Charts.bars(
                out.resolve("concurrent.png"),
                "Concurrent callers: Buildbot's one-caller time per call ÷ multimaster's time per call",
                "× Buildbot (one caller)",
                rates,
                true,
                6,
                "6×");
    }

    private void sweep(Path out) throws IOException {
        Map<String, List<Point>> lines = new TreeMap<>();
        md.append("### Expiry sweep, nothing stale, growing dead rows\n\n| database | dead masters | multimaster µs |"
                + " floor µs | Buildbot µs | × Buildbot |\n|---|---|---|---|---|---|\n");
        for (JsonNode run : runs) {
            String db = db(run);
            for (JsonNode m : run.get("measurements")) {
                if (!m.get("scenario").asText().equals("sweep")
                        || !m.get("side").asText().equals("multimaster")) {
                    continue;
                }
                JsonNode params = m.get("params");
                int dead = params.get("dead").asInt();
                double ours = medianMicros(m);
                JsonNode floor = find(run, "sweep", Operation.SWEEP, "floor", params);
                JsonNode bb = find(run, "sweep", Operation.SWEEP, "buildbot", params);
                double x = ratioWith(run, "sweep", Operation.SWEEP, "buildbot", "multimaster", 1, params);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %s | %s | %s | %s |%n",
                        db,
                        dead,
                        num(ours),
                        floor == null ? "" : num(medianMicros(floor)),
                        bb == null ? "" : num(medianMicros(bb)),
                        times(x)));
                for (var side : new String[] {"multimaster", "floor", "buildbot"}) {
                    JsonNode s = find(run, "sweep", Operation.SWEEP, side, params);
                    if (s != null) {
                        lines.computeIfAbsent(db + " " + side, k -> new ArrayList<>())
                                .add(new Point(Math.max(dead, 1), medianMicros(s) / 1000));
                    }
                }
                // The issue names no database for the sweep and the page targets: all three are held to them.
                if (dead >= 10_000) {
                    target("sweep with 10,000 dead masters ≥ 1,000× cheaper than Buildbot's", db, x, 1000, true);
                }
            }
        }
        md.append("\n![expiry sweep against dead rows](sweep.png)\n\n");
        Charts.lines(
                out.resolve("sweep.png"),
                "One expiry sweep, nothing stale (dead masters 0 drawn at 1)",
                "dead masters",
                "ms per sweep",
                lines);
    }

    private void cycle(Path out) throws IOException {
        Map<String, List<Point>> lines = new TreeMap<>();
        md.append("### Cluster cycle: every master checks in and sweeps once\n\n| database | masters | side |"
                + " database time per cycle, ms | wall time, ms |\n|---|---|---|---|---|\n");
        for (JsonNode run : runs) {
            String db = db(run);
            for (JsonNode c : run.get("cycles")) {
                boolean estimated = c.get("estimated").asBoolean();
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %s | %s | %s |%n",
                        db,
                        c.get("masters").asInt(),
                        c.get("side").asText(),
                        num(c.get("dbMillis").asDouble()),
                        estimated
                                ? "estimated from a sample"
                                : num(c.get("wallMillis").asDouble())));
                lines.computeIfAbsent(
                                db + " " + c.get("side").asText() + (estimated ? " (estimated)" : ""),
                                k -> new ArrayList<>())
                        .add(new Point(
                                c.get("masters").asInt(), c.get("dbMillis").asDouble()));
            }
        }
        md.append("\n![database time per cluster cycle](cycle.png)\n\n");
        Charts.lines(
                out.resolve("cycle.png"),
                "Database time of one cycle (each master: check-in + sweep)",
                "masters",
                "ms per cycle",
                lines);
    }

    private void listing(Path out) throws IOException {
        Map<String, List<Point>> lines = new TreeMap<>();
        md.append("### Listing at scale: a page of 50\n\n| query | database | masters | multimaster ms | floor ms |"
                + " Buildbot ms | × Buildbot | through HTTP ms | through HTTP × Buildbot |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode run : runs) {
            String db = db(run);
            Map<String, Map<Operation, Map<Integer, Double>>> pages = new TreeMap<>();
            for (JsonNode m : run.get("measurements")) {
                if (!m.get("scenario").asText().equals("listing")
                        || !m.get("side").asText().equals("multimaster")) {
                    continue;
                }
                Operation op = Operation.valueOf(m.get("operation").asText());
                JsonNode params = m.get("params");
                int n = params.get("masters").asInt();
                JsonNode floor = find(run, "listing", op, "floor", params);
                JsonNode bb = find(run, "listing", op, "buildbot", params);
                JsonNode http = find(run, "listing", op, "http", params);
                double x = ratioWith(run, "listing", op, "buildbot", "multimaster", 1, params);
                double xHttp = ratioWith(run, "listing", op, "buildbot", "http", 1, params);
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d (%d active) | %s | %s | %s | %s | %s | %s |%n",
                        op.description(),
                        db,
                        n,
                        params.get("active").asInt(),
                        num(medianMicros(m) / 1000),
                        floor == null ? "" : num(medianMicros(floor) / 1000),
                        bb == null ? "" : num(medianMicros(bb) / 1000),
                        times(x),
                        http == null ? "" : num(medianMicros(http) / 1000),
                        times(xHttp)));
                for (var side : new String[] {"multimaster", "floor", "buildbot", "http"}) {
                    JsonNode s = find(run, "listing", op, side, params);
                    if (s != null) {
                        lines.computeIfAbsent(
                                        db + " " + side + " " + (op == Operation.PAGE_ACTIVE ? "active" : "by name"),
                                        k -> new ArrayList<>())
                                .add(new Point(n, medianMicros(s) / 1000));
                    }
                }
                // Every page query is held to the targets: the filtered page is the example,
                // and the unfiltered one ordered by name is what a list sorted by name asks for. The
                // issue asks them of the connector and of the HTTP API.
                pages.computeIfAbsent("", k -> new TreeMap<>())
                        .computeIfAbsent(op, k -> new TreeMap<>())
                        .put(n, medianMicros(m));
                if (http != null) {
                    pages.computeIfAbsent(THROUGH_HTTP, k -> new TreeMap<>())
                            .computeIfAbsent(op, k -> new TreeMap<>())
                            .put(n, medianMicros(http));
                }
                if (n >= 100_000) {
                    target(
                            "page of 50 at 100,000 masters ≥ 100× faster than Buildbot",
                            db + ", " + op.description(),
                            x,
                            100,
                            true);
                    if (http != null) {
                        target(
                                "page of 50 at 100,000 masters ≥ 100× faster than Buildbot",
                                db + ", " + op.description() + THROUGH_HTTP,
                                xHttp,
                                100,
                                true);
                    }
                }
            }
            pages.forEach((way, byOperation) -> byOperation.forEach((op, byMasters) -> {
                Double at10k = byMasters.get(10_000);
                Double at100k = byMasters.get(100_000);
                if (at10k != null && at100k != null) {
                    target(
                            "page of 50 at 100,000 masters ≤ 2× its cost at 10,000",
                            db + ", " + op.description() + way,
                            at100k / at10k,
                            2,
                            false);
                }
            }));
        }
        md.append("\n![a page of 50 against the number of masters](listing.png)\n\n");
        Charts.lines(out.resolve("listing.png"), "A page of 50 with its total", "masters", "ms per page", lines);
    }

    private void footprint(Path out) throws IOException {
        JsonNode f = footprint;
        if (f == null) {
            return;
        }
        md.append("### Footprint\n\nLoad average when measured: "
                + f.path("loadAverage").asText("not recorded") + " (2 cores).\n\n| measurement | value |\n|---|---|\n");
        Map<String, Double> listTimes = new LinkedHashMap<>();
        Map<String, Double> listCpu = new LinkedHashMap<>();
        for (JsonNode variant : f.get("list")) {
            String name = variant.get("name").asText();
            double mean = variant.get("meanSeconds").asDouble();
            listTimes.put(name, mean * 1000);
            listCpu.put(
                    name,
                    (variant.path("userSeconds").asDouble()
                                    + variant.path("systemSeconds").asDouble())
                            * 1000);
            md.append(String.format(
                    Locale.ROOT,
                    "| `multimaster list`, %s: wall time mean ± σ; CPU user + system (hyperfine, %d runs) |"
                            + " %.0f ± %.0f ms; CPU %.0f + %.0f ms |%n",
                    name,
                    variant.get("runs").asInt(),
                    mean * 1000,
                    variant.get("stddevSeconds").asDouble() * 1000,
                    variant.path("userSeconds").asDouble() * 1000,
                    variant.path("systemSeconds").asDouble() * 1000));
        }
        JsonNode jvm = f.get("jvmStart");
        if (jvm != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "| `java -version` alone, the JVM's start (how fast the machine was during this run) |"
                            + " %.0f ± %.0f ms |%n",
                    jvm.get("meanSeconds").asDouble() * 1000,
                    jvm.get("stddevSeconds").asDouble() * 1000));
        }
        JsonNode d = f.get("daemon");
        md.append(String.format(
                Locale.ROOT,
                "| daemon (`run`, %s): start to first check-in, median of %d | %.0f ms |%n",
                d.get("options").asText(),
                d.get("starts").asInt(),
                d.get("startToCheckInMillis").asDouble()));
        md.append(String.format(
                Locale.ROOT,
                "| daemon: resident memory after %d s idle | %.1f MiB |%n",
                d.get("idleSeconds").asInt(),
                d.get("rssKiB").asDouble() / 1024));
        md.append(String.format(
                Locale.ROOT,
                "| daemon: CPU per heartbeat (user + system, over %d heartbeats) | %.2f ms |%n",
                d.get("heartbeats").asInt(),
                d.get("cpuMillisPerHeartbeat").asDouble()));
        if (d.has("idleCpuMillisPerMinute")) {
            md.append(String.format(
                    Locale.ROOT,
                    "| daemon as it runs by default (heartbeat 60 s, HTTP on): CPU per minute idle (user + system,"
                            + " over %.0f s) | %.0f ms |%n",
                    d.get("idleCpuSeconds").asDouble(),
                    d.get("idleCpuMillisPerMinute").asDouble()));
        }
        md.append("\n![wall and CPU time of multimaster list](footprint.png)\n\n");
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        series.put("wall time", listTimes);
        series.put("CPU, user + system", listCpu);
        Charts.bars(
                out.resolve("footprint.png"),
                "`multimaster list`: mean wall time and CPU time (hyperfine)",
                "ms",
                series,
                false,
                350,
                "0.35 s");
        var last = List.copyOf(listTimes.entrySet()).get(listTimes.size() - 1);
        double seconds = last.getValue() / 1000;
        target(
                "`bin/multimaster list` ≤ 0.35 s",
                last.getKey(),
                seconds,
                String.format(Locale.ROOT, "%.2f s", seconds),
                0.35,
                false);
        target(
                "the daemon runs in a 64 MiB heap",
                d.get("options").asText(),
                d.get("checkIns").asDouble(),
                d.get("checkIns").asInt() >= 1
                        ? "still checking in after " + d.get("idleSeconds").asInt() + " s"
                        : "stopped checking in",
                1,
                true);
    }

    /**
     * The JMH results ({@code -rf json}): a column per database (one headed "no database" for a
     * benchmark without one), and a row per benchmark and value of each other parameter that takes
     * several values, named in the row (e.g. {@code handedOff (gapMicros=100, waitMicros=0)}).
     */
    private void jmh() {
        JsonNode results = jmh;
        if (results == null) {
            return;
        }
        Map<String, Map<String, Set<String>>> valuesByBenchmark = new TreeMap<>();
        for (JsonNode r : results) {
            Map<String, Set<String>> values = valuesByBenchmark.computeIfAbsent(jmhName(r), k -> new TreeMap<>());
            r.path("params")
                    .fields()
                    .forEachRemaining(p -> values.computeIfAbsent(p.getKey(), k -> new TreeSet<>())
                            .add(p.getValue().asText()));
        }
        Map<String, Map<String, String>> rows = new TreeMap<>();
        List<String> databases = new ArrayList<>();
        for (JsonNode r : results) {
            String benchmark = jmhName(r);
            List<String> varying = new ArrayList<>();
            valuesByBenchmark.getOrDefault(benchmark, Map.of()).forEach((param, values) -> {
                if (!param.equals("db") && values.size() > 1) {
                    varying.add(param + "=" + r.at("/params/" + param).asText());
                }
            });
            String row = varying.isEmpty() ? benchmark : benchmark + " (" + String.join(", ", varying) + ")";
            String database = r.at("/params/db").asText("");
            database = database.isEmpty() ? "no database" : database;
            if (!databases.contains(database)) {
                databases.add(database);
            }
            JsonNode metric = r.get("primaryMetric");
            rows.computeIfAbsent(row, k -> new LinkedHashMap<>())
                    .put(
                            database,
                            String.format(
                                    Locale.ROOT,
                                    "%s ± %s",
                                    num(metric.get("score").asDouble()),
                                    num(metric.get("scoreError").asDouble())));
        }
        md.append("### JMH: each connector method, one caller (µs/op, mean ± 99.9% error)\n\n| benchmark | ")
                .append(String.join(" | ", databases))
                .append(" |\n|---|")
                .append("---|".repeat(databases.size()))
                .append("\n");
        rows.forEach((benchmark, byDb) -> {
            md.append("| ").append(benchmark);
            databases.forEach(d -> md.append(" | ").append(byDb.getOrDefault(d, "")));
            md.append(" |\n");
        });
        md.append("\n");
    }

    /** A JMH result's benchmark method, without its class. */
    private static String jmhName(JsonNode result) {
        String benchmark = result.get("benchmark").asText();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private void targets() {
        StringBuilder t = new StringBuilder("### Targets\n\n| target | where | measured | met |\n|---|---|---|---|\n");
        for (String[] row : targets) {
            t.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        md.insert(0, t + "\n");
    }

    /** Records a target: {@code atLeast} means the value must reach the goal, else stay below it. */
    private void target(String what, String where, double value, double goal, boolean atLeast) {
        target(what, where, value, times(value), goal, atLeast);
    }

    /** A target whose measured value is shown as {@code shown} rather than as a ratio. */
    private void target(String what, String where, double value, String shown, double goal, boolean atLeast) {
        boolean met = !Double.isNaN(value) && (atLeast ? value >= goal : value <= goal);
        targets.add(new String[] {what, where, Double.isNaN(value) ? "not measured" : shown, met ? "yes" : "**no**"});
    }

    private @Nullable JsonNode measurement(JsonNode run, String scenario, Operation op, String side, int threads) {
        return first(
                run.get("measurements"),
                scenario,
                op,
                m -> m.get("side").asText().equals(side) && m.get("threads").asInt() == threads);
    }

    private @Nullable JsonNode find(JsonNode run, String scenario, Operation op, String side, JsonNode params) {
        return first(
                run.get("measurements"),
                scenario,
                op,
                m -> m.get("side").asText().equals(side) && m.get("params").equals(params));
    }

    /** The median ratio of two sides, for the given callers (the larger of the two sides' counts). */
    private double ratio(
            JsonNode run, String scenario, Operation op, String numerator, String denominator, int threads) {
        return median(first(
                run.get("ratios"),
                scenario,
                op,
                r -> sides(r, numerator, denominator)
                        && Math.max(
                                        r.get("numeratorThreads").asInt(),
                                        r.get("denominatorThreads").asInt())
                                == threads));
    }

    /** The median ratio of two sides on the given data size. */
    private double ratioWith(
            JsonNode run,
            String scenario,
            Operation op,
            String numerator,
            String denominator,
            int threads,
            JsonNode params) {
        return median(first(
                run.get("ratios"),
                scenario,
                op,
                r -> sides(r, numerator, denominator) && r.get("params").equals(params)));
    }

    private static boolean sides(JsonNode ratio, String numerator, String denominator) {
        return ratio.get("numerator").asText().equals(numerator)
                && ratio.get("denominator").asText().equals(denominator);
    }

    private static double median(@Nullable JsonNode ratio) {
        return ratio == null ? Double.NaN : ratio.get("median").asDouble();
    }

    /** The first element of {@code nodes} of the scenario and operation that {@code also} accepts. */
    private static @Nullable JsonNode first(JsonNode nodes, String scenario, Operation op, Predicate<JsonNode> also) {
        for (JsonNode n : nodes) {
            if (n.get("scenario").asText().equals(scenario)
                    && n.get("operation").asText().equals(op.name())
                    && also.test(n)) {
                return n;
            }
        }
        return null;
    }

    /** The median over the rounds of the mean time per call, in µs. */
    private static double medianMicros(JsonNode measurement) {
        List<Double> values = new ArrayList<>();
        measurement.get("perCallMicros").forEach(v -> values.add(v.asDouble()));
        values.sort(Double::compare);
        int mid = values.size() / 2;
        return values.size() % 2 == 1 ? values.get(mid) : (values.get(mid - 1) + values.get(mid)) / 2;
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String times(double v) {
        return Double.isNaN(v)
                ? ""
                : (v >= 100 ? String.format(Locale.ROOT, "%,.0f×", v) : String.format(Locale.ROOT, "%.2f×", v));
    }
}
