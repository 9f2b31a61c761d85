package org.multimaster.http;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class PostgresQueryFuzzTest extends QueryFuzzContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres("mm_fuzz");
    }
}
