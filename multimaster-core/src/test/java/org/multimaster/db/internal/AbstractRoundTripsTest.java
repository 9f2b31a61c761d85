package org.multimaster.db.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.MethodExecutionContext;
import net.ttddyy.dsproxy.listener.MethodExecutionListener;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MastersConnector;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.ResultSpec.Operator;
import org.multimaster.db.testing.RawSql;
import org.multimaster.db.testing.TestDatabase;

/**
 * The statements and round trips of every masters connector operation, counted by a JDBC proxy
 * between the pool and the driver, pinned per database so that none can grow silently.
 *
 * <p>A round trip is a JDBC call that goes to the database: a statement execution (a batch counts
 * once), a commit, a rollback, or a {@code setAutoCommit} that changes the mode (the pool switches
 * back when the connection returns). This is exact for MariaDB and SQLite; PostgreSQL's driver
 * sends the {@code BEGIN} of a transaction with its first statement, so there a transaction's count
 * is one too high. The pool's liveness check of a connection idle for more than half a second (one
 * ping) is not the operation's and is not counted.
 *
 * <p>Each backend's subclass gives its budget; the test runs on multimaster's own schema plus
 * Buildbot's optional link and build tables, so a deactivation touches every table it can.
 */
abstract class AbstractRoundTripsTest {

    /** What one operation cost. */
    record Cost(int statements, int roundTrips) {
        @Override
        public String toString() {
            return statements + " statements / " + roundTrips + " round trips";
        }
    }

    static Cost cost(int statements, int roundTrips) {
        return new Cost(statements, roundTrips);
    }

    /**
     * The budget of this backend: what differs between databases is the state changes; every other
     * operation is one statement and one round trip, except a registration (a lookup, then the
     * insert). A prune that finds nothing is one plain query, without a transaction.
     */
    static Map<String, Cost> budget(Cost activate, Cost deactivateWinning, Cost deactivateInactive, Cost missing) {
        Map<String, Cost> budget = new LinkedHashMap<>();
        budget.put("findMasterId, existing", cost(1, 1));
        budget.put("findMasterId, new", cost(2, 2));
        budget.put("setMasterState(true), active (check-in)", cost(1, 1));
        budget.put("setMasterState(true), inactive", activate);
        budget.put("setMasterState(false), active", deactivateWinning);
        budget.put("setMasterState(false), inactive", deactivateInactive);
        budget.put("setMasterState, missing", missing);
        budget.put("getMaster", cost(1, 1));
        budget.put("getMasters", cost(1, 1));
        budget.put("getMasters(spec)", cost(1, 1));
        budget.put("getExpiredMasters", cost(1, 1));
        budget.put("setAllMastersActiveLongTimeAgo", cost(1, 1));
        budget.put("pruneMasters, none", cost(1, 1));
        return budget;
    }

    private final Counter counter = new Counter();
    private TestDatabase database;
    private RawSql raw;
    private DbConnector db;
    private MastersConnector masters;

    abstract TestDatabase database();

    /** The cost of each operation on this database, in the order {@link #measure} reports them. */
    abstract Map<String, Cost> budget();

    @BeforeEach
    void open() {
        database = database();
        database.reset();
        raw = new RawSql(database);
        // The connector creates its schema; Buildbot's optional tables are added before it opens for good.
        DbConnector.open(database.url()).close();
        raw.createOptionalBuildbotTables();
        db = ProxiedConnector.open(
                database.url(), proxy -> proxy.listener(counter).methodListener(counter));
        masters = db.masters();
    }

    @AfterEach
    void close() {
        db.close();
        raw.close();
    }

    @Test
    void shouldSpendNoMoreStatementsAndRoundTripsOnAnyOperationThanItsBudget() {
        Map<String, Cost> measured = measure();

        assertThat(measured).as("cost per operation on %s", database).containsExactlyEntriesOf(budget());
    }

    private Map<String, Cost> measure() {
        long active = masters.findMasterId("active").join();
        long inactive = masters.findMasterId("inactive").join();
        masters.setMasterState(active, true).join();
        raw.update(
                "INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (1, 's', 'a0f1490a20d0211c997b44bc357e1972deab8ae3', 1)");
        raw.update("INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (1, ?)", active);
        ResultSpec page = ResultSpec.builder()
                .filter("active", Operator.EQ, true)
                .order("-last_active")
                .limit(50L)
                .build();

        Map<String, Cost> costs = new LinkedHashMap<>();
        costs.put(
                "findMasterId, existing",
                count(() -> masters.findMasterId("active").join()));
        costs.put("findMasterId, new", count(() -> masters.findMasterId("new").join()));
        costs.put(
                "setMasterState(true), active (check-in)",
                count(() -> masters.setMasterState(active, true).join()));
        costs.put(
                "setMasterState(true), inactive",
                count(() -> masters.setMasterState(inactive, true).join()));
        costs.put(
                "setMasterState(false), active",
                count(() -> masters.setMasterState(active, false).join()));
        costs.put(
                "setMasterState(false), inactive",
                count(() -> masters.setMasterState(active, false).join()));
        costs.put(
                "setMasterState, missing",
                count(() -> masters.setMasterState(active + 1000, true).join()));
        costs.put("getMaster", count(() -> masters.getMaster(active).join()));
        costs.put("getMasters", count(() -> masters.getMasters().join()));
        costs.put("getMasters(spec)", count(() -> masters.getMasters(page).join()));
        costs.put(
                "getExpiredMasters",
                count(() -> masters.getExpiredMasters(Duration.ofMinutes(10)).join()));
        costs.put(
                "setAllMastersActiveLongTimeAgo",
                count(() -> masters.setAllMastersActiveLongTimeAgo().join()));
        costs.put(
                "pruneMasters, none",
                count(() -> masters.pruneMasters(Duration.ofDays(1)).join()));
        return costs;
    }

    private Cost count(Supplier<?> operation) {
        // A call just before keeps the pool from checking the connection's liveness in the window.
        masters.getMaster(-1).join();
        counter.reset();
        operation.get();
        return new Cost(counter.statements.get(), counter.roundTrips.get());
    }

    /** Counts the statements and round trips that pass through the proxy. Thread-safe. */
    private static final class Counter implements QueryExecutionListener, MethodExecutionListener {
        final AtomicInteger statements = new AtomicInteger();
        final AtomicInteger roundTrips = new AtomicInteger();
        private final ThreadLocal<Boolean> autoCommitBefore = new ThreadLocal<>();

        void reset() {
            statements.set(0);
            roundTrips.set(0);
        }

        @Override
        public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {}

        @Override
        public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
            statements.addAndGet(execInfo.isBatch() ? Math.max(1, execInfo.getBatchSize()) : queryInfoList.size());
            roundTrips.incrementAndGet();
        }

        @Override
        public void beforeMethod(MethodExecutionContext context) {
            if (context.getMethod().getName().equals("setAutoCommit")
                    && context.getTarget() instanceof Connection connection) {
                try {
                    autoCommitBefore.set(connection.getAutoCommit());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public void afterMethod(MethodExecutionContext context) {
            switch (context.getMethod().getName()) {
                case "commit", "rollback" -> roundTrips.incrementAndGet();
                case "setAutoCommit" -> {
                    Object[] args = context.getMethodArgs();
                    Boolean before = autoCommitBefore.get();
                    if (before != null && args != null && !before.equals(args[0])) {
                        roundTrips.incrementAndGet();
                    }
                }
                default -> {}
            }
        }
    }
}
