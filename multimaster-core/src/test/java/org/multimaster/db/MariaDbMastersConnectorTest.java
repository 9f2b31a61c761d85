package org.multimaster.db;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class MariaDbMastersConnectorTest extends MastersConnectorContract {

    @Override
    TestDatabase database(Path tempDir) {
        return TestDatabase.mariadb("mm_contract");
    }
}
