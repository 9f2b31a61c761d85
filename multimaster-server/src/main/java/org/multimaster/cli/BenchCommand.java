package org.multimaster.cli;

import java.io.Console;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.multimaster.bench.Bench;
import org.multimaster.bench.Operation;
import org.multimaster.bench.Results.Cycle;
import org.multimaster.bench.Results.Measurement;
import org.multimaster.bench.Results.Ratio;
import org.multimaster.bench.Results.Report;
import org.multimaster.json.BuildbotJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multimaster bench}: times every masters connector operation on a scratch database, side
 * by side with a bare JDBC floor and real Buildbot's connector, and prints ops/s, latency
 * percentiles and ratios. The measuring itself is {@link Bench}'s.
 */
@Command(
        name = "bench",
        description = {
            "Benchmark every masters operation on a scratch database, side by side with the fewest plain-JDBC"
                    + " statements doing the same work (the floor) and with real Buildbot's connector.",
            "Scenarios: each operation with one caller and with --threads callers, expiry sweeps with growing"
                    + " numbers of dead masters, a cluster cycle, and listing at scale. Buildbot's connector runs in"
                    + " its Python and is timed inside Python. The pages are also asked through the HTTP data API,"
                    + " served in the process on a loopback port.",
            "Refuses a database whose masters table holds rows it did not write (names not starting with"
                    + " 'bench-'): it rewrites every master. Creates the schema if there is none.",
            "Prints ops/s, p50 and p99 per operation and side, and the median ratio over --rounds rounds in"
                    + " which the sides take turns. Shows progress when stdout is a terminal.",
        },
        footer = {
            "",
            "Examples:",
            "  multimaster bench --db postgresql://postgres@127.0.0.1/bench --masters 1000 --json > pg.json",
            "  multimaster bench --db sqlite:///bench.sqlite --scenario methods --operation CHECK_IN --no-buildbot",
        })
final class BenchCommand extends DatabaseCommand {

    @Option(
            names = "--masters",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Active masters in the methods, concurrent and sweep scenarios. Default: ${DEFAULT-VALUE}.")
    int masters;

    @Option(
            names = "--dead",
            paramLabel = "N",
            defaultValue = "0",
            description = "Masters inactive for 30 days beside them. Default: ${DEFAULT-VALUE}.")
    int dead;

    @Option(
            names = "--threads",
            paramLabel = "T",
            defaultValue = "8",
            description =
                    "Concurrent callers (and pooled connections) in the concurrent and cycle scenarios. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = "--rounds",
            paramLabel = "R",
            defaultValue = "5",
            description = "Rounds, the sides taking turns to go first. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
            names = "--ops",
            paramLabel = "K",
            defaultValue = "300",
            description = "Calls per side and round"
                    + " (fewer where a call touches every row on that side). Default: ${DEFAULT-VALUE}.")
    int ops;

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            split = ",",
            description = "Scenarios to run, of methods, concurrent, sweep, cycle, listing. Default: all.")
    List<String> scenarios = new ArrayList<>();

    @Option(
            names = "--operation",
            paramLabel = "OP",
            split = ",",
            description = "Only these operations (${COMPLETION-CANDIDATES}). Default: all.")
    List<Operation> operations = new ArrayList<>();

    @Option(
            names = "--cycle-sizes",
            paramLabel = "N,...",
            split = ",",
            defaultValue = "100,1000,10000",
            description = "Cluster sizes of the cycle scenario. Default: ${DEFAULT-VALUE}.")
    List<Integer> cycleSizes;

    @Option(
            names = "--sweep-dead",
            paramLabel = "N,...",
            split = ",",
            defaultValue = "0,1000,10000",
            description = "Dead masters in the sweep scenario. Default: ${DEFAULT-VALUE}.")
    List<Integer> sweepDead;

    @Option(
            names = "--listing-sizes",
            paramLabel = "N,...",
            split = ",",
            defaultValue = "10000,100000",
            description = "Masters in the listing scenario. Default: ${DEFAULT-VALUE}.")
    List<Integer> listingSizes;

    @Option(
            names = "--listing-active",
            paramLabel = "N",
            defaultValue = "1000",
            description = "How many of them are active. Default: ${DEFAULT-VALUE}.")
    int listingActive;

    @Option(
            names = "--warm-up",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "1s",
            description = "How long the connector and the floor run each operation, unrecorded, before the"
                    + " rounds, so that the rounds measure JIT-compiled code. Default: ${DEFAULT-VALUE}.")
    Duration warmUp;

    @Option(
            names = "--python",
            paramLabel = "PATH",
            defaultValue = "/usr/bin/python3",
            description = "The Python that has Buildbot (Debian package buildbot). Default: ${DEFAULT-VALUE}.")
    Path python;

    @Option(names = "--no-buildbot", description = "Measure without Buildbot's connector.")
    boolean noBuildbot;

    @Override
    int execute() {
        List<String> chosen = scenarios.isEmpty()
                ? Bench.SCENARIOS
                : scenarios.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        Set<Operation> ops = operations.isEmpty() ? EnumSet.noneOf(Operation.class) : EnumSet.copyOf(operations);
        Bench.Options bench = new Bench.Options(
                databaseUrl(),
                masters,
                dead,
                threads,
                rounds,
                this.ops,
                warmUp,
                noBuildbot ? null : python,
                chosen,
                ops,
                cycleSizes,
                sweepDead,
                listingSizes,
                listingActive);
        Report report;
        Progress progress = new Progress(System.console());
        try {
            report = Bench.run(bench, progress);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException(ExitCodes.DATABASE, "benchmark failed: " + e.getMessage());
        } finally {
            progress.clear();
        }
        if (json()) {
            out().println(BuildbotJson.compact(report));
        } else {
            printText(report);
        }
        return ExitCodes.OK;
    }

    private void printText(Report report) {
        var env = report.environment();
        out().printf(
                        "%s on %s (%s, %d cores, %d MiB), %s %s, schema %s%s%n",
                        env.date(),
                        env.host(),
                        env.cpu(),
                        env.cores(),
                        env.memoryMiB(),
                        env.database(),
                        env.databaseVersion(),
                        env.schema(),
                        env.buildbot().isEmpty() ? "" : ", Buildbot " + env.buildbot());
        out().printf(
                        "%-10s %-13s %-48s %-11s %3s %12s %10s %10s%n",
                        "SCENARIO", "DATA", "OPERATION", "SIDE", "T", "OPS/S", "P50 µs", "P99 µs");
        for (Measurement m : report.measurements()) {
            out().printf(
                            Locale.ROOT,
                            "%-10s %-13s %-48s %-11s %3d %12.1f %10.1f %10.1f%n",
                            m.scenario(),
                            params(m.params()),
                            m.description(),
                            m.side(),
                            m.threads(),
                            m.opsPerSecond(),
                            m.p50Micros(),
                            m.p99Micros());
        }
        out().println();
        out().printf(
                        "%-10s %-13s %-16s %-32s %10s%n",
                        "SCENARIO", "DATA", "OPERATION", "RATIO (time per call)", "MEDIAN");
        for (Ratio r : report.ratios()) {
            out().printf(
                            Locale.ROOT,
                            "%-10s %-13s %-16s %-32s %10.2f%n",
                            r.scenario(),
                            params(r.params()),
                            r.operation(),
                            r.numerator() + "×" + r.numeratorThreads() + " / " + r.denominator() + "×"
                                    + r.denominatorThreads(),
                            r.median());
        }
        if (!report.cycles().isEmpty()) {
            out().println();
            out().printf("%-8s %-6s %-11s %14s %12s%n", "MASTERS", "DEAD", "SIDE", "DB ms/CYCLE", "WALL ms");
            for (Cycle c : report.cycles()) {
                out().printf(
                                Locale.ROOT,
                                "%-8d %-6d %-11s %14.1f %12s%n",
                                c.masters(),
                                c.dead(),
                                c.side(),
                                c.dbMillis(),
                                c.estimated() ? "(estimated)" : String.format(Locale.ROOT, "%.1f", c.wallMillis()));
            }
        }
    }

    private static String params(Map<String, Integer> params) {
        return params.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().charAt(0) + "=" + e.getValue())
                .reduce((a, b) -> a + "," + b)
                .orElse("");
    }

    /** One line of progress, rewritten in place, on the terminal only. */
    private static final class Progress implements Consumer<String> {
        private final @Nullable Console console;

        Progress(@Nullable Console console) {
            this.console = console;
        }

        @Override
        public void accept(String line) {
            if (console != null) {
                String shown = line.length() > 110 ? line.substring(0, 110) : line;
                console.writer().print("\r\033[K" + shown);
                console.writer().flush();
            }
        }

        void clear() {
            if (console != null) {
                console.writer().print("\r\033[K");
                console.writer().flush();
            }
        }
    }
}
