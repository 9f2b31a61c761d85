package org.multimaster.runtime;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class PostgresMasterRuntimeTest extends MasterRuntimeContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres("mm_runtime");
    }
}
