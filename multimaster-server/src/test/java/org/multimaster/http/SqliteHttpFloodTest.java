package org.multimaster.http;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class SqliteHttpFloodTest extends HttpFloodContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
