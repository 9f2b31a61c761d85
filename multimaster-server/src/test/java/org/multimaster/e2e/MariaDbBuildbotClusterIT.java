package org.multimaster.e2e;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

/**
 * The Buildbot cluster on MariaDB, Buildbot through PyMySQL. Buildbot creates its tables there
 * with its default storage engine, MyISAM, which has no transactions.
 */
class MariaDbBuildbotClusterIT extends BuildbotClusterContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.mariadb("mm_bbcluster");
    }

    @Override
    String buildbotUrl(TestDatabase database) {
        return serverUrl(database, "mysql+pymysql", "root", 3306);
    }

    @Override
    void requireDriver(BuildbotInstallation buildbot) {
        buildbot.requireModule("pymysql", "python3-pymysql");
    }
}
