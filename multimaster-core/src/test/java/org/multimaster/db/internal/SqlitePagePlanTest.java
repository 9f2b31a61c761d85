package org.multimaster.db.internal;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.testing.TestDatabase;

class SqlitePagePlanTest extends AbstractPagePlanTest {

    @TempDir
    Path dir;

    @Override
    TestDatabase database() {
        return TestDatabase.sqlite(dir);
    }

    @Override
    String analyze() {
        return "ANALYZE";
    }

    @Override
    String explainPrefix() {
        return "EXPLAIN QUERY PLAN ";
    }

    @Override
    String planColumn() {
        return "detail";
    }

    @Override
    String sortMarker() {
        return "TEMP B-TREE FOR ORDER BY";
    }
}
