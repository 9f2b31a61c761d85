package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.multimaster.db.Durations;

/** What a message says of a duration, an operator can give back on the command line. */
class DurationConverterPropertyTest {

    private final DurationConverter converter = new DurationConverter();

    @Property(tries = 1000)
    void shouldReadBackEveryWrittenDurationOfWholeMilliseconds(
            @ForAll @LongRange(min = 0, max = 100L * 365 * 24 * 3600 * 1000) long millis) {
        Duration duration = Duration.ofMillis(millis);

        assertThat(converter.convert(Durations.format(duration))).isEqualTo(duration);
    }

    @Property(tries = 1000)
    void shouldReadBackEveryWrittenDurationOfWholeSecondsMinutesHoursOrDays(
            @ForAll @LongRange(min = 0, max = 100_000) long count, @ForAll("units") long unitSeconds) {
        Duration duration = Duration.ofSeconds(count * unitSeconds);

        assertThat(converter.convert(Durations.format(duration))).isEqualTo(duration);
    }

    @Provide
    Arbitrary<Long> units() {
        return Arbitraries.of(1L, 60L, 3600L, 86_400L);
    }
}
