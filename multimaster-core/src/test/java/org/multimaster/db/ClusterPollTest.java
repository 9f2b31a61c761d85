package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterPollTest {

    private static final MasterModel A = new MasterModel(1, "a", true, Instant.EPOCH);
    private static final MasterModel B = new MasterModel(2, "b", false, Instant.EPOCH);

    @Test
    void shouldRefuseACountOfMastersBelowTheMastersRead() {
        assertThatThrownBy(() -> new ClusterPoll(List.of(A, B), List.of(), List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("masterCount 1 is below the 2 masters read");
    }

    @Test
    void shouldKeepItsOwnCopyOfTheListsGiven() {
        List<MasterModel> masters = new ArrayList<>(List.of(A));

        ClusterPoll poll = new ClusterPoll(masters, List.of(), List.of(), 5);
        masters.add(B);

        assertThat(poll.masters()).containsExactly(A);
        assertThat(poll.masterCount()).isEqualTo(5);
    }
}
