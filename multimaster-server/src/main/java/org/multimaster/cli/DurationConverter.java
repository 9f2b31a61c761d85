package org.multimaster.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses durations as operators write them: {@code 500ms}, {@code 60s}, {@code 10m}, {@code 2h}, {@code 7d}, or ISO-8601 {@code PT1M}. */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        String s = value.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(s);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (s.startsWith("p")) {
                return Duration.parse(value.strip());
            }
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            // reported below
        }
        throw new TypeConversionException(
                "invalid duration '" + value + "': write a number and a unit, e.g. 500ms, 60s, 10m, 2h, 7d");
    }
}
