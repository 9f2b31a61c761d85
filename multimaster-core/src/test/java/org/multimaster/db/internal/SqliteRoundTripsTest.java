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
        // An activation is two conditional UPDATEs; a deactivation one transaction, begun and committed with
        // plain statements (BEGIN IMMEDIATE takes the write lock, see Dialect): BEGIN, the flip, six link
        // deletes, three build updates when it wins, COMMIT.
        return budget(cost(2, 2), cost(12, 12), cost(9, 9), cost(2, 2));
    }
}
