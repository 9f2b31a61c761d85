package org.multimaster.bench;

/**
 * One timed operation of the masters connector, with the state the workload puts the database in
 * before each batch (untimed) so that every side does exactly the same work.
 */
public enum Operation {
    /** {@code findMasterId} of a registered name: one lookup. */
    FIND_EXISTING("findMasterId, existing name", Category.READ),
    /** {@code findMasterId} of a new name: a registration. */
    FIND_NEW("findMasterId, new name", Category.WRITE),
    /** {@code setMasterState(id, true)} on an active master: the heartbeat's check-in. */
    CHECK_IN("setMasterState(true), active master (check-in)", Category.WRITE),
    /** {@code setMasterState(id, true)} on an inactive master: a start. */
    ACTIVATE("setMasterState(true), inactive master", Category.WRITE),
    /** {@code setMasterState(id, false)} on an active master holding a scheduler and a change source. */
    DEACTIVATE("setMasterState(false), active master with links", Category.WRITE),
    /** {@code getMaster(id)}. */
    GET_MASTER("getMaster", Category.READ),
    /** {@code getMasters()}: every row. */
    GET_MASTERS("getMasters(), all rows", Category.LISTING),
    /** {@code getMasters(spec)}: the active masters, latest check-in first, a page of 50, with the total. */
    PAGE_ACTIVE("getMasters(spec): active, -last_active, limit 50", Category.READ),
    /** {@code getMasters(spec)}: every master by name, a page of 50, with the total. */
    PAGE_BY_NAME("getMasters(spec): all, order name, limit 50", Category.READ),
    /** {@code setAllMastersActiveLongTimeAgo()}: rewrites every row. */
    LONG_AGO("setAllMastersActiveLongTimeAgo", Category.WRITE),
    /**
     * One expiry sweep with nothing to expire: ours is {@code Expiry.sweep} (one indexed query),
     * Buildbot's is its data layer's {@code expireMasters()}.
     */
    SWEEP("expiry sweep, none stale", Category.SWEEP),
    /** {@code pruneMasters(30 days)} with nothing old enough to prune; Buildbot has no counterpart. */
    PRUNE("pruneMasters, nothing to prune", Category.ADMIN);

    /** Which target of the issue an operation falls under. */
    public enum Category {
        READ,
        WRITE,
        LISTING,
        SWEEP,
        ADMIN
    }

    private final String description;
    private final Category category;

    Operation(String description, Category category) {
        this.description = description;
        this.category = category;
    }

    /** What the operation does, for reports. */
    public String description() {
        return description;
    }

    /** The target category. */
    public Category category() {
        return category;
    }

    /**
     * Whether one call touches every row on Buildbot's side ({@code buildbot}) or on ours and the
     * floor's, so that side's batches are shorter. Buildbot answers the pages and the sweep by
     * loading every master; our pages count every matching row for their total; our sweep reads one
     * range of an index, and gets whole batches like any short call.
     */
    boolean wholeTable(boolean buildbot) {
        return switch (this) {
            case GET_MASTERS, LONG_AGO, PAGE_ACTIVE, PAGE_BY_NAME -> true;
            case SWEEP -> buildbot;
            default -> false;
        };
    }

    /** Whether Buildbot's masters connector (or data layer) has this operation. */
    boolean inBuildbot() {
        return this != PRUNE;
    }
}
