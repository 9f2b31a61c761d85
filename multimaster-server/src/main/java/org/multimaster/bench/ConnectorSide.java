package org.multimaster.bench;

import java.time.Duration;
import java.util.List;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.ResultSpec.Operator;
import org.multimaster.runtime.Expiry;

/**
 * multimaster's connector, called as a master calls it: each call waits for its future. Thread-safe
 * (several callers share the connector and its pool).
 */
final class ConnectorSide implements Side {

    /** The page the listing scenario asks for: active masters, latest check-in first. */
    static final ResultSpec ACTIVE_PAGE = ResultSpec.builder()
            .filter("active", Operator.EQ, true)
            .order("-last_active")
            .limit(50L)
            .build();
    /** Every master by name, a page of 50. */
    static final ResultSpec NAME_PAGE =
            ResultSpec.builder().order("name").limit(50L).build();

    /** Buildbot's fixed expiry. */
    static final Duration EXPIRY = Duration.ofMinutes(10);

    static final Duration PRUNE_AFTER = Duration.ofDays(365);

    private final DbConnector db;
    private final MastersConnector masters;
    private final Expiry expiry;

    ConnectorSide(DbConnector db) {
        this.db = db;
        this.masters = db.masters();
        this.expiry = new Expiry(masters, EXPIRY, List.of(), event -> {});
    }

    @Override
    public String name() {
        return "multimaster";
    }

    @Override
    public long[] run(Workload.Batch batch) throws Exception {
        return Side.timeEach(batch, (op, id, name) -> {
            switch (op) {
                case FIND_EXISTING, FIND_NEW -> masters.findMasterId(name).join();
                case CHECK_IN, ACTIVATE -> masters.setMasterState(id, true).join();
                case DEACTIVATE -> masters.setMasterState(id, false).join();
                case GET_MASTER -> masters.getMaster(id).join();
                case GET_MASTERS -> masters.getMasters().join();
                case PAGE_ACTIVE -> masters.getMasters(ACTIVE_PAGE).join();
                case PAGE_BY_NAME -> masters.getMasters(NAME_PAGE).join();
                case LONG_AGO -> masters.setAllMastersActiveLongTimeAgo().join();
                case SWEEP -> expiry.sweep(-1);
                case PRUNE -> masters.pruneMasters(PRUNE_AFTER).join();
            }
        });
    }

    @Override
    public void close() {
        db.close();
    }
}
