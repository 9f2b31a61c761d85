package org.multimaster.db;

import java.util.List;
import java.util.Objects;

/**
 * Every master and every claimed scheduler and change source, read in one statement, so that the
 * three lists agree with each other: what a watcher compares from one poll to the next.
 *
 * <p>Immutable and thread-safe.
 *
 * @param masters every master, in id order
 * @param schedulers the schedulers some master has claimed (never null {@code masterId}), in id order
 * @param changeSources the change sources some master has claimed, in id order
 */
public record ClusterState(
        List<MasterModel> masters, List<SchedulerModel> schedulers, List<ChangeSourceModel> changeSources) {

    public ClusterState {
        masters = List.copyOf(Objects.requireNonNull(masters, "masters"));
        schedulers = List.copyOf(Objects.requireNonNull(schedulers, "schedulers"));
        changeSources = List.copyOf(Objects.requireNonNull(changeSources, "changeSources"));
    }
}
