package org.multimaster.db.internal;

import org.multimaster.db.testing.TestDatabase;

class PostgresPagePlanTest extends AbstractPagePlanTest {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres("mm_page_plan");
    }

    @Override
    String analyze() {
        return "ANALYZE masters";
    }

    @Override
    String explainPrefix() {
        return "EXPLAIN ";
    }

    @Override
    String planColumn() {
        return "QUERY PLAN";
    }

    @Override
    String sortMarker() {
        // A Sort node, or an Incremental Sort of rows the index only partly ordered.
        return "Sort";
    }
}
