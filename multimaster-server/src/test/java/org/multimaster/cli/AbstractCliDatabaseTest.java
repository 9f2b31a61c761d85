package org.multimaster.cli;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.testing.TestDatabase;

/**
 * What every command prints and returns, run against each database by a tiny subclass. Rows whose
 * times matter are set behind the CLI's back with fixed {@code last_active} values, so that the
 * output can be pinned exactly.
 */
abstract class AbstractCliDatabaseTest {

    /** 2012-09-30T02:26:32Z, the time in Buildbot's own data API examples. */
    static final long T1 = 1348971992L;

    /** 2023-11-14T22:13:20Z. */
    static final long T2 = 1700000000L;

    /** What {@code list} prints of {@link #twoMasters()}. */
    static final String TWO_MASTERS_TABLE = "MASTERID  NAME  ACTIVE  LAST_ACTIVE\n"
            + "1         a     false   2012-09-30T02:26:32Z\n"
            + "2         b     true    2023-11-14T22:13:20Z\n"
            + "2 of 2 masters\n";

    final Cli cli = Cli.withoutEnvironment();
    TestDatabase database;

    /** The database of this backend; called once per test. */
    abstract TestDatabase database();

    @BeforeEach
    void resetDatabase() {
        database = database();
        database.reset();
    }

    /** Runs a command on this backend's database. */
    Cli.Result run(String... args) {
        String[] withDb = new String[args.length + 2];
        System.arraycopy(args, 0, withDb, 0, args.length);
        withDb[args.length] = "--db";
        withDb[args.length + 1] = database.url();
        return cli.run(withDb);
    }

    /** Creates the schema and the masters 1 (a, inactive, T1) and 2 (b, active, T2). */
    void twoMasters() throws SQLException {
        assertThat(run("upgrade").exitCode()).isZero();
        assertThat(run("find", "a").out()).isEqualTo("1\n");
        assertThat(run("find", "b").out()).isEqualTo("2\n");
        setRow(1, false, T1);
        setRow(2, true, T2);
    }

    void setRow(long id, boolean active, long lastActive) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement s =
                        c.prepareStatement("UPDATE masters SET active = ?, last_active = ? WHERE id = ?")) {
            s.setInt(1, active ? 1 : 0);
            s.setLong(2, lastActive);
            s.setLong(3, id);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void assertOk(Cli.Result result, String out) {
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo(out);
        assertThat(result.exitCode()).isZero();
    }

    /** The version of multimaster's last migration on this database, as its history records it. */
    String lastMigration() {
        return database.kind() == DatabaseKind.MYSQL ? "2" : "3";
    }

    static void assertFails(Cli.Result result, int exitCode, String err) {
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo(err);
        assertThat(result.exitCode()).isEqualTo(exitCode);
    }

    @Test
    void shouldCreateTheSchemaOnUpgradeAndListNoMasters() {
        String url = database.url().replaceAll("password=[^&]*", "password=***");
        String latest = lastMigration();
        Cli.Result upgrade = run("upgrade");
        assertThat(upgrade.exitCode()).isZero();
        assertThat(upgrade.err()).isEmpty();
        assertThat(upgrade.out())
                .isEqualTo("created multimaster's schema (version " + latest + ") in database " + url + "\n"
                        + "no master is registered; nothing to mark\n");
        assertOk(
                run("upgrade"),
                "database " + url + " has multimaster's current schema (version " + latest + ")\n"
                        + "no master is registered; nothing to mark\n");
        assertThat(run("upgrade", "--json").out())
                .endsWith(",\"schema\":\"multimaster\",\"schema_version\":\"" + latest
                        + "\",\"schema_version_found\":\"" + latest + "\"}\n");

        assertOk(run("list"), "MASTERID  NAME  ACTIVE  LAST_ACTIVE\n0 of 0 masters\n");
        assertOk(run("list", "--json"), "{\"masters\":[],\"meta\":{\"total\":0}}\n");
        assertOk(run("find", "a"), "1\n");
        assertThat(run("list").out()).endsWith("\n1 of 1 master\n");
        assertThat(run("status").out().lines().findFirst().orElseThrow())
                .endsWith(": 1 master, 0 active; 0 schedulers (0 unclaimed), 0 change sources (0 unclaimed)");
    }

    @Test
    void shouldRefuseAnExpiryThatWouldExpireLiveBuildbotMastersUnlessForced() throws SQLException {
        twoMasters();
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE flyway_schema_history"); // a masters table without our history: Buildbot's
        }
        String refusal = "multimaster: expiry 30s would expire live Buildbot masters: "
                + database.url().replaceAll("password=[^&]*", "password=***")
                + " was created by Buildbot, whose masters check in only every 60 s, so an expiry of 2m or less"
                + " can declare a running Buildbot master dead and finish its builds; use Buildbot's --expire 10m"
                + " (anything above 2m), or pass --force-short-expiry if no Buildbot master uses this database";

        Cli.Result expire = run("expire", "--expire", "30s");
        Cli.Result daemon = run("run", "--expire", "30s", "--heartbeat", "5s", "--name", "short");

        assertThat(expire.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(expire.err()).startsWith(refusal + "; see 'multimaster expire --help'");
        assertThat(daemon.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(daemon.err()).contains(refusal);
        assertThat(count("SELECT COUNT(*) FROM masters WHERE active = 1"))
                .as("nothing expired")
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM masters WHERE name = 'short'"))
                .as("nothing registered")
                .isZero();

        assertOk(
                run("expire", "--expire", "30s", "--force-short-expiry"),
                "expired master 2 (b), last check-in 2023-11-14T22:13:20Z\n");
    }

    @Test
    void shouldRefuseReadingADatabaseWithoutSchema() throws SQLException {
        database.connect().close(); // an existing database (or SQLite file) without tables

        Cli.Result result = run("list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.DATABASE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .startsWith("multimaster: ")
                .contains("has no masters table; run 'multimaster upgrade --db URL' to create the schema")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldWriteNothingWhenRunCannotListenOnItsPort() throws Exception {
        database.connect().close(); // a database (or SQLite file) without tables

        Cli.Result daemon;
        int port;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = taken.getLocalPort();
            daemon = run("run", "--name", "busy", "--heartbeat", "1s", "--expire", "5s", "--http", "127.0.0.1:" + port);
        }

        assertThat(daemon.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(daemon.err())
                .contains("multimaster: cannot serve HTTP on 127.0.0.1:" + port + ": the port is in use")
                .doesNotContain("\tat ");
        assertThat(run("list").err())
                .as("no schema was created")
                .contains("has no masters table; run 'multimaster upgrade --db URL' to create the schema");
    }

    @Test
    void shouldWriteNothingWhenRunOrFindIsGivenANameTheDatabaseCannotStore() throws Exception {
        database.connect().close(); // a database (or SQLite file) without tables

        // Half of a surrogate pair: no database stores it as text. Before, it was refused only when
        // the scheduler was claimed, after the master had registered, expired its peers and checked in.
        Cli.Result daemon =
                run("run", "--name", "m", "--heartbeat", "1s", "--expire", "5s", "--no-http", "--scheduler", "s\ud800");

        assertThat(daemon.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(daemon.err())
                .isEqualTo("multimaster: scheduler name 's\\ud800' holds an unpaired surrogate (\\ud800), which no"
                        + " database can store as text; use a name of Unicode characters; see 'multimaster run"
                        + " --help'\n");
        Cli.Result find = run("find", "m\udfff");
        assertThat(find.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(find.err()).startsWith("multimaster: master name 'm\\udfff' holds an unpaired surrogate");
        assertThat(run("list").err())
                .as("no schema was created, no master registered")
                .contains("has no masters table");
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the duration of the block
    void shouldFailWithinTheUrlsLockTimeoutAndChangeNothingWhileAnotherSessionLocksTheMasters() throws Exception {
        twoMasters();
        // Each database's own way to wait about a second for a lock (the default is 10 s); the
        // URL's setting wins over the connector's.
        String url = database.url()
                + (database.url().contains("?") ? "&" : "?")
                + switch (database.kind()) {
                    case SQLITE -> "busy_timeout=1000";
                    case POSTGRESQL -> "options=-c%20lock_timeout%3D1000";
                    case MYSQL -> "sessionVariables=innodb_lock_wait_timeout=1,lock_wait_timeout=1";
                };
        Cli.Result activate;
        Cli.Result deactivate;
        long started = System.nanoTime();
        try (AutoCloseable lock = database.lockMastersTable()) {
            activate = cli.run("activate", "1", "--db", url);
            deactivate = cli.run("deactivate", "2", "--db", url);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        for (Cli.Result result : List.of(activate, deactivate)) {
            assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.DATABASE);
            assertThat(result.out()).isEmpty();
            assertThat(result.err())
                    .startsWith("multimaster: cannot mark master ")
                    .contains(": database is locked (busy for ")
                    .endsWith("; try again when it has finished; nothing was changed\n")
                    .hasLineCount(1);
        }
        assertThat(waited).as("two commands that waited about a second each").isLessThan(Duration.ofSeconds(8));
        assertOk(run("list"), TWO_MASTERS_TABLE);
    }

    @Test
    void shouldFindTheSameIdForTheSameNameAndANewOneForAnother() {
        assertOk(run("find", "host:/srv/master"), "1\n");
        assertOk(run("find", "host:/srv/master"), "1\n");
        assertOk(run("find", "host:/srv/Master"), "2\n");
        assertOk(run("find", "host:/srv/Master", "--json"), "{\"masterid\":2}\n");
        assertOk(run("find", "@home"), "3\n");
        assertOk(cli.run("find", "--db", database.url(), "--", "-dash"), "4\n");
    }

    @Test
    void shouldShowOneMaster() throws SQLException {
        twoMasters();

        assertOk(
                run("show", "1"),
                "masterid:    1\nname:        a\nactive:      false\nlast_active: 2012-09-30T02:26:32Z (1348971992)\n");
        assertOk(
                run("show", "2", "--json"),
                "{\"active\":true,\"last_active\":1700000000,\"masterid\":2,\"name\":\"b\"}\n");
        assertFails(run("show", "3"), 1, "multimaster: no master has id 3; 'multimaster list' shows the masters\n");
    }

    @Test
    void shouldListMastersAsATableAndAsBuildbotJson() throws SQLException {
        twoMasters();

        assertOk(run("list"), TWO_MASTERS_TABLE);
        assertOk(
                run("list", "--json"),
                "{\"masters\":[{\"active\":false,\"last_active\":1348971992,\"masterid\":1,\"name\":\"a\"},"
                        + "{\"active\":true,\"last_active\":1700000000,\"masterid\":2,\"name\":\"b\"}],"
                        + "\"meta\":{\"total\":2}}\n");
    }

    @Test
    void shouldFilterOrderAndPageInTheDatabase() throws SQLException {
        twoMasters();
        assertOk(run("find", "c"), "3\n");
        setRow(3, true, T1);

        assertOk(run("list", "--active", "--order", "-masterid", "--json"), json(3, 2));
        assertOk(run("list", "--inactive", "--json"), json(1));
        assertOk(run("list", "--order", "last_active", "--order", "-name", "--json"), json(3, 1, 2));
        assertOk(run("list", "--order=-name", "--limit", "1", "--offset", "1", "--json"), page(3, 2));
        assertOk(run("list", "--filter", "name=a", "--filter", "name=c", "--json"), json(1, 3));
        assertOk(run("list", "--filter", "name__ne=a", "--filter", "name__ne=c", "--json"), json(2));
        assertOk(run("list", "--filter", "name__contains=b", "--json"), json(2));
        assertOk(run("list", "--filter", "masterid__in=1", "--filter", "masterid__in=2", "--json"), json(1, 2));
        assertOk(run("list", "--filter", "last_active__gt=" + T1, "--json"), json(2));
        assertOk(run("list", "--filter", "active=yes", "--filter", "last_active__le=" + T1, "--json"), json(3));
        assertOk(run("list", "--limit", "0", "--json"), "{\"masters\":[],\"meta\":{\"total\":3}}\n");
        assertOk(run("list", "--filter", "last_active__gt=2012-09-30T02:26:32Z", "--json"), json(2));
        assertOk(run("list", "--limit", "-1", "--json"), page(3, 1, 2));
        assertOk(run("list", "--offset", "-1", "--json"), page(3, 3));
    }

    private static String json(long... ids) {
        return page(ids.length, ids);
    }

    private static String page(long total, long... ids) {
        StringBuilder items = new StringBuilder();
        for (long id : ids) {
            if (items.length() > 0) {
                items.append(',');
            }
            items.append(
                    switch ((int) id) {
                        case 1 -> "{\"active\":false,\"last_active\":1348971992,\"masterid\":1,\"name\":\"a\"}";
                        case 2 -> "{\"active\":true,\"last_active\":1700000000,\"masterid\":2,\"name\":\"b\"}";
                        default -> "{\"active\":true,\"last_active\":1348971992,\"masterid\":3,\"name\":\"c\"}";
                    });
        }
        return "{\"masters\":[" + items + "],\"meta\":{\"total\":" + total + "}}\n";
    }

    @Test
    void shouldSummarizeTheClusterOnOneScreen() throws SQLException {
        twoMasters();
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (1, 'nightly', 'h1', 1)");
            s.executeUpdate("INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (2, 'hourly', 'h2', 1)");
            s.executeUpdate("INSERT INTO changesources (id, name, name_hash) VALUES (1, 'git', 'h3')");
            s.executeUpdate("INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (1, 2)");
            s.executeUpdate("INSERT INTO changesource_masters (changesourceid, masterid) VALUES (1, 2)");
        }

        Cli.Result status = run("status");
        Cli.Result json = run("status", "--json");

        assertThat(status.err()).isEmpty();
        assertThat(status.exitCode()).isZero();
        assertThat(status.out().split("\n")).hasSize(5).satisfies(lines -> {
            assertThat(lines[0])
                    .endsWith(": 2 masters, 1 active; 2 schedulers (1 unclaimed), 1 change source (0 unclaimed)");
            assertThat(lines[1]).isEqualTo("MASTERID  NAME  STATE     LAST CHECK-IN  SCHEDULERS  CHANGE SOURCES");
            assertThat(lines[2]).matches("1         a     inactive  \\d+ d ago +-           -");
            assertThat(lines[3]).matches("2         b     active    \\d+ d ago +nightly     git");
            assertThat(lines[4]).isEqualTo("unclaimed: schedulers hourly; change sources -");
        });
        assertThat(json.out())
                .startsWith("{\"masters\":[{\"active\":false,\"changesources\":[],\"last_active\":1348971992,"
                        + "\"masterid\":1,\"name\":\"a\",\"schedulers\":[],\"seconds_since_check_in\":")
                .endsWith("\"unclaimed\":{\"changesources\":[],\"schedulers\":[\"hourly\"]}}\n");
    }

    @Test
    void shouldTakeTheDatabaseAndJsonOptionsBeforeOrAfterTheCommand() throws SQLException {
        twoMasters();
        String one = "{\"active\":false,\"last_active\":1348971992,\"masterid\":1,\"name\":\"a\"}\n";

        assertOk(cli.run("--db", database.url(), "--json", "show", "1"), one);
        assertOk(cli.run("--db=" + database.url(), "show", "1", "--json"), one);
        assertOk(cli.run("--json", "show", "--db", database.url(), "1"), one);
        assertOk(
                cli.run("--db", database.url(), "list", "--limit", "0", "--json"),
                "{\"masters\":[],\"meta\":{\"total\":2}}\n");
    }

    @Test
    void shouldActivateAndDeactivateReportingWhetherTheStateChanged() throws SQLException {
        twoMasters();

        assertOk(run("activate", "1"), "master 1 is now active\n");
        assertOk(run("activate", "1"), "master 1 was already active; nothing changed\n");
        assertOk(run("activate", "1", "--json"), "{\"changed\":false}\n");
        assertOk(run("deactivate", "1", "--json"), "{\"changed\":true}\n");
        assertOk(run("deactivate", "1"), "master 1 was already inactive; nothing changed\n");
        assertOk(run("deactivate", "2"), "master 2 is now inactive\n");
        assertOk(run("activate", "2", "--json"), "{\"changed\":true}\n");
        assertThat(count("SELECT last_active FROM masters WHERE id = 2")).isGreaterThan(T2);
    }

    @Test
    void shouldReleaseTheSchedulersOfADeactivatedMaster() throws SQLException {
        twoMasters();
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (1, 's', 'h', 1)");
            s.executeUpdate("INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (1, 2)");
        }

        assertOk(run("deactivate", "2"), "master 2 is now inactive\n");

        assertThat(count("SELECT COUNT(*) FROM scheduler_masters")).isZero();
        assertThat(count("SELECT COUNT(*) FROM schedulers")).isOne();
    }

    @Test
    void shouldReportAnUnknownIdAsNotFound() throws SQLException {
        twoMasters();

        assertFails(run("activate", "9"), 1, "multimaster: no master has id 9; 'multimaster list' shows the masters\n");
        assertFails(
                run("deactivate", "9", "--json"),
                1,
                "multimaster: no master has id 9; 'multimaster list' shows the masters\n");
        assertThat(count("SELECT COUNT(*) FROM masters")).isEqualTo(2);
    }

    @Test
    void shouldMarkEveryMasterActiveLongAgoOnUpgrade() throws SQLException {
        twoMasters();

        Cli.Result upgrade = run("upgrade", "--json");

        assertThat(upgrade.exitCode()).isZero();
        assertThat(upgrade.out())
                .endsWith("\",\"masters_marked\":2,\"schema\":\"multimaster\",\"schema_version\":\"" + lastMigration()
                        + "\",\"schema_version_found\":\"" + lastMigration() + "\"}\n");
        assertOk(run("show", "1", "--json"), "{\"active\":true,\"last_active\":0,\"masterid\":1,\"name\":\"a\"}\n");
        assertOk(run("show", "2", "--json"), "{\"active\":true,\"last_active\":0,\"masterid\":2,\"name\":\"b\"}\n");
    }

    @Test
    void shouldRefuseToUpgradeWhileAMasterMayBeRunningUnlessForced() throws SQLException {
        // Before, upgrade marked a master that had checked in a second ago as silent since 1970, and
        // the next sweep of a peer expired it while it ran and cleaned up after it.
        twoMasters();
        setRow(2, true, Instant.now().getEpochSecond() - 1);
        String before = run("list", "--json").out();

        assertFails(
                run("upgrade"),
                2,
                "multimaster: 1 master checked in within the last 10m and may be running: 2 ('b'); upgrade marks"
                        + " every master as silent since 1970, and a peer would then expire a running master and"
                        + " clean up after it (its builds end as RETRY). Stop the masters first, or pass --force if"
                        + " they are gone; nothing was changed\n");
        assertThat(run("list", "--json").out()).isEqualTo(before);

        assertThat(run("upgrade", "--force").out())
                .endsWith("marked 2 masters active with last_active 0; the next master to start will expire them and"
                        + " clean up after them\n");
        assertOk(run("show", "2", "--json"), "{\"active\":true,\"last_active\":0,\"masterid\":2,\"name\":\"b\"}\n");
    }

    @Test
    void shouldSayFromWhichVersionUpgradeUpgradedTheSchema() throws SQLException {
        // Before, it said "has multimaster's current schema" whether it had created, upgraded or found it.
        twoMasters();
        boolean mysql = database.kind() == DatabaseKind.MYSQL;
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            // The database of the multimaster before the last migration (this test undoes it).
            s.execute(mysql ? "DROP INDEX masters_active_last_active ON masters" : "DROP INDEX masters_name");
            s.execute("DELETE FROM flyway_schema_history WHERE version = '" + lastMigration() + "'");
        }
        String url = database.url().replaceAll("password=[^&]*", "password=***");

        assertOk(
                run("upgrade"),
                "upgraded multimaster's schema of database " + url + " from version " + (mysql ? "1 to 2" : "2 to 3")
                        + "\nmarked 2 masters active with last_active 0; the next master to start will expire them"
                        + " and clean up after them\n");
        assertThat(run("list").out()).endsWith("2 of 2 masters\n");
    }

    @Test
    void shouldSayThatANewerMultimasterUpgradedTheSchemaAndLeaveItAsItIs() throws SQLException {
        twoMasters();
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("INSERT INTO flyway_schema_history (installed_rank,"
                        + " version, description, type, script, checksum, installed_by, installed_on, execution_time,"
                        + " success) VALUES (100, '99', 'newer', 'SQL', 'V99__newer.sql', 1, 'test', CURRENT_TIMESTAMP,"
                        + " 0, ?)")) {
            s.setBoolean(1, true);
            s.executeUpdate();
        }
        String url = database.url().replaceAll("password=[^&]*", "password=***");

        Cli.Result upgrade;
        List<String> logged;
        try (LogCapture log = LogCapture.asConfigured()) {
            upgrade = run("upgrade");
            logged = log.lines();
        }

        assertThat(upgrade.exitCode()).isZero();
        assertThat(upgrade.out())
                .startsWith("database " + url + " has a newer multimaster's schema (version 99); left as it is\n");
        assertThat(logged)
                .singleElement(as(STRING))
                .startsWith("WARN org.multimaster.db.internal.Schema - database " + url + " has multimaster's"
                        + " schema at version 99, newer than this multimaster's (")
                .endsWith("): a newer multimaster upgraded it. This one uses it as it is and leaves it so; upgrade"
                        + " multimaster here to match");
        assertThat(run("list").out()).endsWith("2 of 2 masters\n");
        assertThat(run("upgrade", "--json").out())
                .endsWith(
                        ",\"schema\":\"newer-multimaster\",\"schema_version\":\"99\",\"schema_version_found\":\"99\"}\n");
    }

    @Test
    void shouldLeaveABuildbotSchemaAsItIsOnUpgrade() throws SQLException {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE masters (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    + " name_hash VARCHAR(40) NOT NULL, active INTEGER NOT NULL, last_active INTEGER NOT NULL)");
            s.executeUpdate("INSERT INTO masters (id, name, name_hash, active, last_active)"
                    + " VALUES (7, 'master-7', 'a37f4c3dab0e025bf86104caf08d0f5d45cda005', 0, 1348971992)");
        }

        Cli.Result upgrade = run("upgrade");

        assertThat(upgrade.err()).isEmpty();
        assertThat(upgrade.out())
                .endsWith(" has Buildbot's schema; left as it is\n"
                        + "marked 1 master active with last_active 0; the next master to start will expire it"
                        + " and clean up after it\n");
        assertThat(upgrade.exitCode()).isZero();
        assertOk(
                run("show", "7", "--json"),
                "{\"active\":true,\"last_active\":0,\"masterid\":7,\"name\":\"master-7\"}\n");
        assertThat(count("SELECT COUNT(*) FROM masters")).isOne();
    }

    @Test
    void shouldRejectAValueOfTheWrongTypeAsBadInput() throws SQLException {
        twoMasters();

        assertFails(
                run("list", "--filter", "masterid=abc"),
                2,
                "multimaster: invalid value 'abc' for field masterid: expected an integer;"
                        + " see 'multimaster list --help'\n");
        assertFails(
                run("list", "--order", "bogus"),
                2,
                "multimaster: unknown order field 'bogus'; valid fields are [masterid, name, active, last_active];"
                        + " see 'multimaster list --help'\n");
    }

    @Test
    void shouldExpireSilentMastersOnceAndReportThem() throws SQLException {
        twoMasters(); // a: inactive since T1; b: active, last check-in T2, long ago
        run("find", "c");
        run("activate", "3"); // c: checked in just now

        assertOk(run("expire"), "expired master 2 (b), last check-in 2023-11-14T22:13:20Z\n");
        assertThat(count("SELECT COUNT(*) FROM masters WHERE active = 1")).isEqualTo(1);
        assertOk(run("expire"), "no master has been silent for longer than 10m\n");

        setRow(2, true, T2);
        assertOk(
                run("expire", "--json", "--expire", "1h"),
                "{\"expired\":[{\"active\":false,\"last_active\":1700000000,\"masterid\":2,\"name\":\"b\"}]}\n");
    }

    @Test
    void shouldPruneOnlyMastersInactiveForLongerThanAskedAndReportThem() throws SQLException {
        twoMasters();
        run("find", "c"); // inactive, registered just now

        assertOk(run("prune", "--inactive-for", "30d"), "deleted master 1 (a), inactive since 2012-09-30T02:26:32Z\n");
        assertThat(count("SELECT COUNT(*) FROM masters")).isEqualTo(2);
        assertOk(run("prune", "--inactive-for", "30d", "--json"), "{\"pruned\":[]}\n");
        assertOk(
                run("prune", "--inactive-for", "30d"),
                "no master has been inactive and unreferenced for longer than 30d\n");
    }
}
