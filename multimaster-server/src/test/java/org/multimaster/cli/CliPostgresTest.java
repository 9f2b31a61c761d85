package org.multimaster.cli;

import org.multimaster.db.testing.TestDatabase;

class CliPostgresTest extends AbstractCliDatabaseTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres("mm_cli");
    }
}
