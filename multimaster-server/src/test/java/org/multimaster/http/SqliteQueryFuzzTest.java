package org.multimaster.http;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class SqliteQueryFuzzTest extends QueryFuzzContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
