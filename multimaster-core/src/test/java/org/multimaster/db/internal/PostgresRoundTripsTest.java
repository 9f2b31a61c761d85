package org.multimaster.db.internal;

import java.util.Map;
import org.multimaster.db.testing.TestDatabase;

class PostgresRoundTripsTest extends AbstractRoundTripsTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres("mm_round_trips");
    }

    @Override
    Map<String, Cost> budget() {
        // Every state change is one statement: UPDATE … FROM its row FOR UPDATE … RETURNING, and a WITH of
        // data-modifying statements; so is a registration, the lookup and the insert in one WITH.
        Map<String, Cost> budget = budget(cost(1, 1), cost(1, 1), cost(1, 1), cost(1, 1));
        budget.put("findMasterId, new", cost(1, 1));
        return budget;
    }
}
