package org.multimaster.db.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.testing.RawSql;
import org.multimaster.db.testing.TestDatabase;

/**
 * MariaDB sorts a string by its first {@code max_sort_length} bytes only. The connector reads a page
 * again with whole strings compared only when one of its sorted strings is that long, and leaves the
 * session's setting as it found it. That the order is right is the contract suite's test; this one
 * counts what it costs.
 */
class MariaDbSortedStringsTest {

    private final List<String> statements = new CopyOnWriteArrayList<>();
    private TestDatabase database;
    private RawSql raw;
    private DbConnector db;
    private MastersConnector masters;
    private long sortedBytes;

    @BeforeEach
    void open() {
        database = TestDatabase.mariadb("mm_sorted_strings");
        database.reset();
        raw = new RawSql(database);
        DbConnector.open(database.url()).close();
        sortedBytes = raw.queryLong("SELECT @@GLOBAL.max_sort_length");
        db = ProxiedConnector.open(
                database.url(),
                proxy -> proxy.listener(new QueryExecutionListener() {
                    @Override
                    public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {}

                    @Override
                    public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
                        queryInfoList.forEach(query -> statements.add(query.getQuery()));
                    }
                }));
        masters = db.masters();
    }

    @AfterEach
    void close() {
        db.close();
        raw.close();
    }

    private List<MasterModel> pageByName(long limit) {
        statements.clear();
        return masters.getMasters(
                        ResultSpec.builder().order("name").limit(limit).build())
                .join()
                .items();
    }

    private List<String> names(List<MasterModel> page) {
        return page.stream().map(MasterModel::name).toList();
    }

    /**
     * Registers "a" and two names as long as the sort key plus one character, "…z" before "…b", so
     * that a cut sort key would give them in id order.
     *
     * @return the two long names' common prefix
     */
    private String registerTwoLongNamesAndA() {
        String prefix = "x".repeat((int) sortedBytes);
        masters.findMasterId(prefix + "z").join();
        masters.findMasterId(prefix + "b").join();
        masters.findMasterId("a").join();
        return prefix;
    }

    @Test
    void shouldReadAPageOfShortNamesInOneStatement() {
        masters.findMasterId("b").join();
        masters.findMasterId("a").join();

        assertThat(names(pageByName(50))).containsExactly("a", "b");
        assertThat(statements).hasSize(1);
    }

    @Test
    void shouldReadAPageWithANameAsLongAsTheSortKeyAgainWithWholeNamesAndRestoreTheSession() {
        String prefix = registerTwoLongNamesAndA();

        assertThat(names(pageByName(50))).containsExactly("a", prefix + "b", prefix + "z");
        assertThat(statements).hasSize(4);
        assertThat(statements.subList(1, 4))
                .containsExactly(
                        "SET SESSION max_sort_length = 65535",
                        statements.get(0),
                        "SET SESSION max_sort_length = " + sortedBytes);
    }

    @Test
    void shouldNotReadAgainWhenTheLongNamesAreBeyondThePage() {
        String prefix = registerTwoLongNamesAndA();

        assertThat(names(pageByName(1))).containsExactly("a");
        assertThat(statements).hasSize(1);
    }

    @Test
    void shouldCountAStringOfExactlyTheSortKeyLengthAsPossiblyCut() {
        // Cut to the sort key, the longer name equals the shorter one.
        String exact = "y".repeat((int) sortedBytes);
        masters.findMasterId(exact + "a").join();
        masters.findMasterId(exact).join();

        assertThat(names(pageByName(50))).containsExactly(exact, exact + "a");
        assertThat(statements).hasSize(4);
    }
}
