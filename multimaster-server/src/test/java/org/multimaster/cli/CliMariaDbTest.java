package org.multimaster.cli;

import org.multimaster.db.testing.TestDatabase;

class CliMariaDbTest extends AbstractCliDatabaseTest {

    @Override
    TestDatabase database() {
        return TestDatabase.mariadb("mm_cli");
    }
}
