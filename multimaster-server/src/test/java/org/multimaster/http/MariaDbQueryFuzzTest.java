package org.multimaster.http;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class MariaDbQueryFuzzTest extends QueryFuzzContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.mariadb("mm_fuzz");
    }
}
