package org.multimaster.http;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class PostgresHttpApiTest extends HttpApiContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres("mm_http");
    }
}
