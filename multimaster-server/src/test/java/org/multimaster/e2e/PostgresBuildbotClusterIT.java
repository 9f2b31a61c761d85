package org.multimaster.e2e;

import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

/** The Buildbot cluster on PostgreSQL, Buildbot through its default driver psycopg2. */
class PostgresBuildbotClusterIT extends BuildbotClusterContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres("mm_bbcluster");
    }

    @Override
    String buildbotUrl(TestDatabase database) {
        return serverUrl(database, "postgresql", "postgres", 5432);
    }

    @Override
    void requireDriver(BuildbotInstallation buildbot) {
        buildbot.requireModule("psycopg2", "python3-psycopg2");
    }
}
