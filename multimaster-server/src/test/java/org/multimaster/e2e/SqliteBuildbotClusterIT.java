package org.multimaster.e2e;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

/** The Buildbot cluster on one SQLite file, shared by the Buildbot masters and multimaster on this host. */
class SqliteBuildbotClusterIT extends BuildbotClusterContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    @Override
    String buildbotUrl(TestDatabase database) {
        return "sqlite:///" + Path.of(database.name()).toAbsolutePath();
    }
}
