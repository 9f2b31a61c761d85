package org.multimaster.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The records a benchmark run produces; serialized as they are by {@code --json}. */
public final class Results {

    private Results() {}

    /** Where and when the run happened. */
    public record Environment(
            String date,
            String host,
            String os,
            String cpu,
            int cores,
            long memoryMiB,
            String java,
            String database,
            String databaseVersion,
            String schema,
            String buildbot) {}

    /** The options of the run. */
    public record Settings(
            int masters,
            int dead,
            int threads,
            int rounds,
            int ops,
            long warmUpMillis,
            boolean buildbot,
            List<String> scenarios) {}

    /**
     * One side's timings of one operation in one scenario, over every round.
     *
     * @param params the scenario's data size, e.g. {@code {"masters": 1000, "dead": 0}}
     * @param perCallMicros per round, the mean time per call: for one caller, the sum of the call times
     *     divided by the calls; for several, the wall time divided by the calls
     */
    public record Measurement(
            String scenario,
            String operation,
            String description,
            String side,
            int threads,
            Map<String, Integer> params,
            long calls,
            double opsPerSecond,
            double p50Micros,
            double p99Micros,
            List<Double> perCallMicros) {}

    /**
     * How two sides compare on one operation: {@code numerator}'s time per call divided by
     * {@code denominator}'s, per round and as the median of the rounds. Against Buildbot the
     * numerator is Buildbot (so the value is how many times faster multimaster is); against the floor
     * it is multimaster (so the value is its cost over the floor's).
     */
    public record Ratio(
            String scenario,
            String operation,
            Map<String, Integer> params,
            String numerator,
            int numeratorThreads,
            String denominator,
            int denominatorThreads,
            double median,
            List<Double> rounds) {}

    /**
     * The database time of one cluster cycle: every one of {@code masters} masters checks in once
     * and sweeps expiry once. {@code estimated} when computed as masters × (mean check-in + mean
     * sweep) from a measured sample rather than measured whole.
     */
    public record Cycle(
            int masters, int dead, String side, double dbMillis, double wallMillis, boolean estimated, int rounds) {}

    /** A whole run. */
    public record Report(
            Environment environment,
            Settings settings,
            List<Measurement> measurements,
            List<Ratio> ratios,
            List<Cycle> cycles) {}

    static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The {@code p}-th percentile (0 to 100) of the samples, nearest rank. */
    static double percentile(long[] samples, double p) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Collected samples of one side and operation, round by round. */
    static final class Samples {
        private final List<long[]> calls = new ArrayList<>();
        private final List<Double> perCallMicros = new ArrayList<>();

        void add(long[] nanos, double perCallNanos) {
            calls.add(nanos);
            perCallMicros.add(perCallNanos / 1000.0);
        }

        List<Double> perCallMicros() {
            return perCallMicros;
        }

        Measurement measurement(String scenario, Operation op, String side, int threads, Map<String, Integer> params) {
            long[] all = calls.stream().flatMapToLong(Arrays::stream).toArray();
            double median = median(perCallMicros);
            return new Measurement(
                    scenario,
                    op.name(),
                    op.description(),
                    side,
                    threads,
                    params,
                    all.length,
                    1_000_000.0 / median,
                    percentile(all, 50) / 1000.0,
                    percentile(all, 99) / 1000.0,
                    List.copyOf(perCallMicros));
        }
    }
}
