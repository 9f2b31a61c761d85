package org.multimaster.db;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class PostgresMastersConnectorTest extends MastersConnectorContract {

    @Override
    TestDatabase database(Path tempDir) {
        return TestDatabase.postgres("mm_contract");
    }
}
