package org.multimaster.db.internal;

import java.util.Map;
import org.multimaster.db.testing.TestDatabase;

class MariaDbRoundTripsTest extends AbstractRoundTripsTest {

    @Override
    TestDatabase database() {
        return TestDatabase.mariadb("mm_round_trips");
    }

    @Override
    Map<String, Cost> budget() {
        // As on SQLite: MariaDB has no UPDATE … RETURNING, and its Buildbot tables may be MyISAM.
        return budget(cost(2, 2), cost(10, 13), cost(7, 10), cost(2, 2));
    }
}
