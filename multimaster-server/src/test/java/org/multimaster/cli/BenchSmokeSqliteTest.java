package org.multimaster.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.testing.TestDatabase;

class BenchSmokeSqliteTest extends AbstractBenchSmokeTest {

    @TempDir
    Path dir;

    @Override
    TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }
}
