package org.multimaster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The arithmetic of the outage fence: the components stop exactly one interval before peers may expire. */
class OutageFenceTest {

    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration EXPIRY = Duration.ofSeconds(10);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final OutageFence fence = new OutageFence(EXPIRY, INTERVAL);

    @Test
    void shouldAllowNothingBeforeTheFirstCheckIn() {
        assertThat(fence.allowsAt(T0)).isFalse();
        assertThat(fence.deadline()).isNull();
        assertThat(fence.closesAt(T0.plusSeconds(3600))).isFalse();
    }

    @Test
    void shouldCloseExactlyOneIntervalBeforeTheExpiryOfTheLastCheckInsSecond() {
        // Sent at .750: last_active holds the whole second, so peers may expire from T0 + 10 s on.
        Instant sentAt = T0.plusMillis(750);

        assertThat(fence.checkedIn(sentAt, sentAt.plusMillis(100))).isEqualTo(T0.plusSeconds(8));

        Instant justBefore = T0.plusSeconds(8).minusMillis(1);
        assertThat(fence.allowsAt(justBefore)).isTrue();
        assertThat(fence.closesAt(justBefore)).isFalse();
        assertThat(fence.closesAt(T0.plusSeconds(8))).as("at the deadline").isTrue();
        assertThat(fence.allowsAt(T0.plusSeconds(8))).isFalse();
        assertThat(fence.closesAt(T0.plusSeconds(9))).as("once per outage").isFalse();
    }

    @Test
    void shouldCountFromWhenTheCheckInWasSentNotWhenItsAnswerCame() {
        fence.checkedIn(T0, T0.plusSeconds(7));

        assertThat(fence.deadline()).isEqualTo(T0.plusSeconds(8));
        assertThat(fence.closesAt(T0.plusSeconds(8))).isTrue();
    }

    @Test
    void shouldLiftAfterACheckInWhoseDeadlineIsAheadAndCloseAgainInTheNextOutage() {
        fence.checkedIn(T0, T0);
        assertThat(fence.closesAt(T0.plusSeconds(8))).isTrue();

        fence.checkedIn(T0.plusSeconds(9), T0.plusSeconds(9));

        assertThat(fence.allowsAt(T0.plusSeconds(9))).isTrue();
        assertThat(fence.closesAt(T0.plusSeconds(17))).isTrue();
    }

    @Test
    void shouldStayDownAfterACheckInThatSucceededTooLateToCount() {
        fence.checkedIn(T0, T0);
        assertThat(fence.closesAt(T0.plusSeconds(8))).isTrue();

        // Sent at T0 + 1 s but answered only at T0 + 9.5 s: peers may expire from T0 + 11 s, the
        // fence was due at T0 + 9 s.
        fence.checkedIn(T0.plusSeconds(1), T0.plusMillis(9_500));

        assertThat(fence.allowsAt(T0.plusMillis(9_500))).isFalse();
        assertThat(fence.closesAt(T0.plusSeconds(10))).as("already down").isFalse();
    }

    @Test
    void shouldIgnoreAnAnswerThatArrivesAfterALaterOne() {
        fence.checkedIn(T0.plusSeconds(5), T0.plusSeconds(5));
        fence.checkedIn(T0.plusSeconds(2), T0.plusSeconds(6));

        assertThat(fence.lastCheckIn()).isEqualTo(T0.plusSeconds(5));
        assertThat(fence.deadline()).isEqualTo(T0.plusSeconds(13));
    }
}
