package org.multimaster.db;

import java.util.List;
import java.util.Objects;

/**
 * What a cluster watcher that already knows the cluster reads at each poll, in one statement (one
 * snapshot), so that a poll does not read every master: the active masters and those with an id
 * above the highest it knows, every claim, and how many masters there are.
 *
 * <p>A master that is inactive and already known is not read again. Through the connectors (and
 * Buildbot's), such a row changes only by becoming active, which the poll reads, or by being deleted,
 * which {@link #masterCount()} tells apart from no change. So does a registration whose id is below
 * the highest known one (a transaction that took its id earlier and committed later). A watcher
 * that finds the count or the active masters not as it expects reads the whole {@link ClusterState}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param masters the active masters and those with an id above the one asked, in id order
 * @param schedulers the schedulers some master has claimed, in id order
 * @param changeSources the change sources some master has claimed, in id order
 * @param masterCount how many masters there are, active or not
 */
public record ClusterPoll(
        List<MasterModel> masters,
        List<SchedulerModel> schedulers,
        List<ChangeSourceModel> changeSources,
        long masterCount) {

    public ClusterPoll {
        masters = List.copyOf(Objects.requireNonNull(masters, "masters"));
        schedulers = List.copyOf(Objects.requireNonNull(schedulers, "schedulers"));
        changeSources = List.copyOf(Objects.requireNonNull(changeSources, "changeSources"));
        if (masterCount < masters.size()) {
            throw new IllegalArgumentException(
                    "masterCount " + masterCount + " is below the " + masters.size() + " masters read");
        }
    }
}
