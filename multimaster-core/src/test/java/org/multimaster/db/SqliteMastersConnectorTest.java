package org.multimaster.db;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class SqliteMastersConnectorTest extends MastersConnectorContract {

    @Override
    TestDatabase database(Path tempDir) {
        return TestDatabase.sqlite(tempDir);
    }
}
