package org.multimaster.cli;

import org.multimaster.db.testing.TestDatabase;

class BenchSmokePostgresTest extends AbstractBenchSmokeTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres("mm_bench");
    }
}
