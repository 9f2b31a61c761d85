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
        // data-modifying statements.
        return budget(cost(1, 1), cost(1, 1), cost(1, 1), cost(1, 1));
    }
}
