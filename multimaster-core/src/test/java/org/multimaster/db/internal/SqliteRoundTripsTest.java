package org.multimaster.db.internal;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.testing.TestDatabase;

class SqliteRoundTripsTest extends AbstractRoundTripsTest {

    @TempDir
    Path dir;

    @Override
    TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }

    @Override
    Map<String, Cost> budget() {
        // An activation is two conditional UPDATEs; a deactivation one transaction: switch to manual commit, the flip,
        // six link deletes, three build updates when it wins, commit, switch back.
        return budget(cost(2, 2), cost(10, 13), cost(7, 10), cost(2, 2));
    }
}
