package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Durations in messages, as the command line takes them. */
class DurationsTest {

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
        "PT10M,     10m",
        "PT720H,    30d",
        "P1D,       1d",
        "PT25H,     25h",
        "PT1H30M,   90m",
        "PT90S,     90s",
        "PT2M,      2m",
        "PT0S,      0s",
        "PT1.5S,    1500ms",
        "PT0.001S,  1ms",
        "PT-2M,     -2m",
        "PT-0.25S,  -250ms",
        "PT0.0005S, PT0.0005S",
    })
    void shouldWriteADurationInTheLargestUnitThatHoldsItExactly(String iso, String written) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(written);
    }

    @ParameterizedTest(name = "{0} elapsed is written {1}")
    @CsvSource({
        "PT0S,              0s",
        "PT0.000999S,       0s",
        "PT0.35S,           350ms",
        "PT0.999999999S,    999ms",
        "PT1S,              1s",
        "PT2.041617624S,    2s",
        "PT10M,             10m",
        "PT10M1.9S,         10m 1s",
        "PT1H0M5S,          1h 5s",
        "PT52H,             2d 4h",
        "PT-3.5S,           -3s",
    })
    void shouldWriteAnElapsedTimeInWholeUnitsWithoutItsFraction(String iso, String written) {
        assertThat(Durations.formatElapsed(Duration.parse(iso))).isEqualTo(written);
    }

    @Test
    void shouldWriteTheLongestElapsedTimesWithoutOverflow() {
        Duration shortest = Duration.ofSeconds(Long.MIN_VALUE);

        assertThat(Durations.formatElapsed(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
                .isEqualTo("106751991167300d 15h 30m 7s");
        assertThat(Durations.formatElapsed(shortest)).isEqualTo(shortest.toString());
    }

    @Test
    void shouldWriteInIsoADurationTooLongToNegateOrToCountInMilliseconds() {
        Duration shortest = Duration.ofSeconds(Long.MIN_VALUE);
        Duration longestWithMillis = Duration.ofSeconds(Long.MAX_VALUE, 500_000_000);

        assertThat(Durations.format(shortest)).isEqualTo(shortest.toString());
        assertThat(Durations.format(longestWithMillis)).isEqualTo(longestWithMillis.toString());
    }
}
