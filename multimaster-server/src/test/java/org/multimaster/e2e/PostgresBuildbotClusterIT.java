package org.multimaster.e2e;

import java.net.URI;
import java.nio.file.Path;
import org.multimaster.db.testing.TestDatabase;

/** The Buildbot cluster on PostgreSQL, Buildbot through its default driver psycopg2. */
class PostgresBuildbotClusterIT extends BuildbotClusterContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres("mm_bbcluster");
    }

    /** The server of the JDBC URL (user {@code postgres}, no password), as Buildbot writes it. */
    @Override
    String buildbotUrl(TestDatabase database) {
        URI server = URI.create(database.url().substring("jdbc:".length()));
        int port = server.getPort() < 0 ? 5432 : server.getPort();
        return "postgresql://postgres@" + server.getHost() + ":" + port + "/" + database.name();
    }

    @Override
    void requireDriver(BuildbotInstallation buildbot) {
        buildbot.requireModule("psycopg2", "python3-psycopg2");
    }
}
