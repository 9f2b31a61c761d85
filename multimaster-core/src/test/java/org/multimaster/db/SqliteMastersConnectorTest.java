package org.multimaster.db;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.multimaster.db.testing.TestDatabase;

class SqliteMastersConnectorTest extends MastersConnectorContract {

    @Override
    TestDatabase database(Path tempDir) {
        return TestDatabase.sqlite(tempDir);
    }

    @Test
    void shouldWaitForALockAsLongAsTheTimeoutOfABuildbotUrlSays() throws Exception {
        // SQLAlchemy gives a URL's timeout to Python's sqlite3, which waits that long for a lock, so
        // Buildbot takes sqlite:///state.sqlite?timeout=30. Before, multimaster refused the URL.
        String buildbotUrl = "sqlite:///" + database.url().substring("jdbc:sqlite:".length()) + "?timeout=1";

        assertLockedForOneSecond(buildbotUrl, Duration.ofSeconds(20));
    }
}
