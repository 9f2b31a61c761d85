package org.multimaster.http;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

class MariaDbClusterWatcherTest extends ClusterWatcherContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.mariadb("mm_watcher");
    }
}
