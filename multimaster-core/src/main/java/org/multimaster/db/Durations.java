package org.multimaster.db;

import java.time.Duration;

/** Durations written as an operator writes them on the command line: {@code 10m}, {@code 30d}, {@code 1500ms}. */
public final class Durations {

    /**
     * The longest interval multimaster accepts for a heartbeat, an expiry or a poll: 100 years, as
     * good as never, and short enough that adding it to any date it meets or counting it in
     * nanoseconds cannot overflow.
     */
    public static final Duration LONGEST = Duration.ofDays(36_500);

    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    /** The one duration that cannot be negated. */
    private static final Duration MOST_NEGATIVE = Duration.ofSeconds(Long.MIN_VALUE);

    private Durations() {}

    /**
     * {@code duration} in the largest of the units d, h, m, s and ms that holds it exactly, so that
     * the command line reads it back as the same duration: {@code 10m}, {@code 90s}, {@code 720h} is
     * {@code 30d}. A duration finer than a millisecond, or too long for milliseconds, is written in
     * ISO-8601 ({@code PT0.0005S}).
     */
    public static String format(Duration duration) {
        try {
            if (duration.isNegative()) {
                return "-" + format(duration.negated());
            }
            if (duration.getNano() != 0) {
                return duration.getNano() % 1_000_000 == 0 ? duration.toMillis() + "ms" : duration.toString();
            }
        } catch (ArithmeticException tooLongToNegateOrCountInMilliseconds) {
            return duration.toString();
        }
        long seconds = duration.getSeconds();
        if (seconds == 0) {
            return "0s";
        }
        if (seconds % DAY == 0) {
            return seconds / DAY + "d";
        }
        if (seconds % HOUR == 0) {
            return seconds / HOUR + "h";
        }
        if (seconds % MINUTE == 0) {
            return seconds / MINUTE + "m";
        }
        return seconds + "s";
    }

    /**
     * A measured time, such as how long the database was gone, as a person reads it: under a second
     * in whole milliseconds ({@code 350ms}), otherwise in whole seconds split into days, hours,
     * minutes and seconds, leaving out the zero ones ({@code 3s}, {@code 10m 1s}, {@code 2d 4h}).
     * What is finer is cut off, not rounded up: a master silent for 2.9 s was not silent for 3.
     */
    public static String formatElapsed(Duration duration) {
        if (duration.isNegative()) {
            return duration.equals(MOST_NEGATIVE) ? duration.toString() : "-" + formatElapsed(duration.negated());
        }
        long seconds = duration.getSeconds();
        if (seconds == 0) {
            return duration.getNano() < 1_000_000 ? "0s" : duration.getNano() / 1_000_000 + "ms";
        }
        StringBuilder out = new StringBuilder();
        append(out, seconds / DAY, "d");
        append(out, seconds % DAY / HOUR, "h");
        append(out, seconds % HOUR / MINUTE, "m");
        append(out, seconds % MINUTE, "s");
        return out.toString();
    }

    private static void append(StringBuilder out, long count, String unit) {
        if (count != 0) {
            out.append(out.length() == 0 ? "" : " ").append(count).append(unit);
        }
    }
}
