package org.multimaster.e2e;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

/** Failover between processes sharing one SQLite file on this host. */
class SqliteFailoverIT extends FailoverContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir.resolve("shared"));
    }
}
