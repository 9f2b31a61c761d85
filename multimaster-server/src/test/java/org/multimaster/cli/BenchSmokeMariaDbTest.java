package org.multimaster.cli;

import org.multimaster.db.testing.TestDatabase;

class BenchSmokeMariaDbTest extends AbstractBenchSmokeTest {

    @Override
    TestDatabase database() {
        return TestDatabase.mariadb("mm_bench");
    }
}
