package org.multimaster.runtime;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class MariaDbMasterRuntimeTest extends MasterRuntimeContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.mariadb("mm_runtime");
    }
}
