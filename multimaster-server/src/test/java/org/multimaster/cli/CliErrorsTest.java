package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multimaster.db.DbConnector;

/**
 * Bad usage, bad input and failing databases: the exit code, the exact message on stderr, nothing
 * on stdout, no stack trace, no password, and no database file created by mistake.
 */
class CliErrorsTest {

    @TempDir
    Path dir;

    private final Cli cli = Cli.withoutEnvironment();

    private String dbUrl() {
        return "sqlite:///" + dir.resolve("state.sqlite");
    }

    private Cli.Result run(String... args) {
        return cli.run(args);
    }

    private static void assertFails(Cli.Result result, int exitCode, String err) {
        assertThat(result.err()).isEqualTo(err);
        assertThat(result.out()).isEmpty();
        assertThat(result.exitCode()).isEqualTo(exitCode);
    }

    private void assertNoDatabaseFile() throws Exception {
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void shouldAskForACommand() {
        assertFails(run(), 2, "multimaster: missing command\nTry 'multimaster --help' for more information.\n");
    }

    @Test
    void shouldRejectAnUnknownCommandAndSuggestTheNearestOne() {
        assertFails(
                run("xyzzy"),
                2,
                "multimaster: Unmatched argument at index 0: 'xyzzy'\nTry 'multimaster --help' for more information.\n");
        assertFails(
                run("lst"),
                2,
                "multimaster: Unmatched argument at index 0: 'lst'\n"
                        + "  did you mean: multimaster list?\n"
                        + "  did you mean: multimaster status?\n"
                        + "Try 'multimaster --help' for more information.\n");
    }

    @Test
    void shouldEscapeAnArgumentThatItEchoes() {
        Cli.Result result = run("list\n\u001b[31mred");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .startsWith("multimaster: Unmatched argument at index 0: 'list\\u000a\\u001b[31mred'\n")
                .doesNotContain("\u001b");
    }

    @Test
    void shouldRejectUnknownOptionsAndMissingArguments() {
        assertFails(
                run("list", "--bogus"),
                2,
                "multimaster: Unknown option: '--bogus'\nTry 'multimaster list --help' for more information.\n");
        assertFails(
                run("show"),
                2,
                "multimaster: Missing required parameter: 'ID'\nTry 'multimaster show --help' for more information.\n");
        assertFails(
                run("find"),
                2,
                "multimaster: Missing required parameter: 'NAME'\nTry 'multimaster find --help' for more information.\n");
        assertFails(
                run("list", "--active", "--inactive"),
                2,
                "multimaster: --active, --inactive are mutually exclusive (specify only one)\n"
                        + "Try 'multimaster list --help' for more information.\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"show", "activate", "deactivate"})
    void shouldRejectAnIdThatIsNotANumber(String command) throws Exception {
        assertFails(
                run(command, "abc", "--db", dbUrl()),
                2,
                "multimaster: Invalid value for positional parameter at index 0 (ID): 'abc' is not a master id;"
                        + " an id is an integer, as 'multimaster list' shows it\n"
                        + "Try 'multimaster " + command + " --help' for more information.\n");
        assertNoDatabaseFile();
    }

    @ParameterizedTest
    @ValueSource(strings = {"find NAME", "run --name NAME", "run --scheduler NAME", "list --filter name=NAME"})
    void shouldRefuseAnArgumentWithUndecodableBytesWithoutCreatingADatabase(String command) throws Exception {
        List<String> args = new java.util.ArrayList<>();
        for (String word : command.split(" ")) {
            // What the JVM makes of 'hallo-\xff' when the locale's encoding cannot decode the byte.
            args.add(word.replace("NAME", "hallo-\uFFFD"));
        }
        int position = args.indexOf(args.stream()
                        .filter(a -> a.contains("\uFFFD"))
                        .findFirst()
                        .orElseThrow())
                + 1;
        args.addAll(List.of("--db", dbUrl()));

        assertFails(
                run(args.toArray(String[]::new)),
                2,
                "multimaster: argument " + position + " is not valid " + System.getProperty("sun.jnu.encoding")
                        + " text (the locale's encoding): its undecodable bytes all read as U+FFFD, so different"
                        + " names would become one; give it in UTF-8, under a UTF-8 locale\n");
        assertNoDatabaseFile();
    }

    @Test
    void shouldRejectABlankNameWithoutCreatingADatabase() throws Exception {
        assertFails(
                run("find", " ", "--db", dbUrl()),
                2,
                "multimaster: master name must not be blank; give the name, usually hostname:basedir\n");
        assertNoDatabaseFile();
    }

    @Test
    void shouldRejectBadQueryOptionsBeforeOpeningTheDatabase() throws Exception {
        String see = "; see 'multimaster list --help'\n";
        assertFails(
                run("list", "--db", dbUrl(), "--filter", "name"),
                2,
                "multimaster: filter 'name' must be FIELD=VALUE or FIELD__OP=VALUE, e.g. name__contains=build" + see);
        assertFails(
                run("list", "--db", dbUrl(), "--filter", "name__like=a"),
                2,
                "multimaster: unknown filter operator 'like' in 'name__like'; use one of"
                        + " [eq, ne, lt, le, gt, ge, contains, in, notin]" + see);
        assertFails(
                run("list", "--db", dbUrl(), "--filter", "last_active__lt=1", "--filter", "last_active__lt=2"),
                2,
                "multimaster: filter last_active__lt takes exactly one value, got 2;"
                        + " only eq, ne, contains, in and notin take several" + see);
        assertFails(
                run("list", "--db", dbUrl(), "--filter", "last_active=noon"),
                2,
                "multimaster: invalid value 'noon' for field last_active: expected epoch seconds or an ISO-8601 time in"
                        + " whole seconds, e.g. 2026-11-28T10:00:00Z" + see);
        assertFails(
                run("list", "--db", dbUrl(), "--limit", "ten"),
                2,
                "multimaster: Invalid value for option '--limit': 'ten' is not a long\n"
                        + "Try 'multimaster list --help' for more information.\n");
        assertNoDatabaseFile();
    }

    @Test
    @Timeout(120) // a token taken by mistake starts a daemon that runs until stopped
    void shouldRefuseAnAdminTokenFileThatIsMissingUnreadableEmptyOrWeakBeforeStarting() throws Exception {
        Path tokens = Files.createTempDirectory("mm-tokens");
        Path missing = tokens.resolve("no-token");
        Path empty = Files.writeString(tokens.resolve("empty-token"), " \n");

        Path binary = Files.write(tokens.resolve("binary-token"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        String fix = "; check --admin-token-file, and write a long random token into the file\n";

        assertFails(
                run("serve", "--db", dbUrl(), "--admin-token-file", missing.toString()),
                2,
                "multimaster: the admin token file " + missing + " does not exist" + fix);
        assertFails(
                run("serve", "--db", dbUrl(), "--admin-token-file", tokens.toString()),
                2,
                "multimaster: the admin token file " + tokens + " is a directory" + fix);
        assertFails(
                run("serve", "--db", dbUrl(), "--admin-token-file", binary.toString()),
                2,
                "multimaster: the admin token file " + binary + " is not UTF-8 text" + fix);
        assertFails(
                run("run", "--db", dbUrl(), "--admin-token-file", empty.toString()),
                2,
                "multimaster: the admin token file " + empty + " is empty; write a long random token into it\n");
        // Before, both were taken: a token of 5 characters, and one that curl and Python's urllib send
        // in different encodings.
        Path shortToken = Files.writeString(tokens.resolve("short-token"), "s3cr3\n");
        Path accented = Files.writeString(tokens.resolve("accented-token"), "s\u00e9cret-token-0123456789\n");
        String example = "; write a long random token into the file, e.g. with: head -c 32 /dev/urandom | base64 > ";
        assertFails(
                run("run", "--db", dbUrl(), "--admin-token-file", shortToken.toString()),
                2,
                "multimaster: the admin token in " + shortToken + " has 5 characters, fewer than 16: a short token"
                        + " can be guessed by trying" + example + shortToken + "\n");
        assertFails(
                run("serve", "--db", dbUrl(), "--admin-token-file", accented.toString()),
                2,
                "multimaster: the admin token in " + accented + " holds a space, a control character or a character"
                        + " beyond ASCII, which HTTP clients do not all send alike in a header: a token is letters,"
                        + " digits and punctuation" + example + accented + "\n");
        // Before, a large file was read whole: one of a megabyte was taken as a token no header can
        // carry, and /dev/zero ran the JVM out of memory.
        Path huge = Files.writeString(tokens.resolve("huge-token"), "t".repeat(1 << 20));
        for (Path file : List.of(huge, Path.of("/dev/zero"))) {
            assertFails(
                    run("serve", "--db", dbUrl(), "--admin-token-file", file.toString()),
                    2,
                    "multimaster: the admin token file " + file + " holds more than 4096 bytes, more than an HTTP"
                            + " header can carry" + fix);
        }
        assertFails(
                run("serve", "--db", dbUrl(), "--http", "localhost"),
                2,
                "multimaster: Invalid value for option '--http': invalid HTTP address 'localhost': write HOST:PORT,"
                        + " e.g. 127.0.0.1:8010, 0.0.0.0:8010 or [::1]:8010 (port 0: any free port)\n"
                        + "Try 'multimaster serve --help' for more information.\n");
        assertNoDatabaseFile();
    }

    @Test
    void shouldRefuseAHeartbeatOrPollTooShortToWorkOrTooLongToCountBeforeStarting() throws Exception {
        assertFails(
                run("run", "--db", dbUrl(), "--heartbeat", "1ms"),
                2,
                "multimaster: heartbeat interval 1ms is below 100ms: each check-in is a durable write to the shared"
                        + " database, and one that has not completed holds the next back; raise --heartbeat;"
                        + " see 'multimaster run --help'\n");
        assertNoDatabaseFile();

        assertThat(run("upgrade", "--db", dbUrl()).exitCode()).isZero();
        assertFails(
                run("serve", "--db", dbUrl(), "--poll", "0s"),
                2,
                "multimaster: poll interval 0s must be at least 1ms; raise --poll; see 'multimaster serve --help'\n");
        // Before, both were internal errors: an ArithmeticException's trace.
        assertFails(
                run("run", "--db", dbUrl(), "--heartbeat", "300000000000d", "--expire", "999999999999d"),
                2,
                "multimaster: heartbeat interval 300000000000d is longer than the longest multimaster accepts,"
                        + " 36500d (100 years); lower --heartbeat; see 'multimaster run --help'\n");
        assertFails(
                run("serve", "--db", dbUrl(), "--poll", "999999999999d"),
                2,
                "multimaster: poll interval 999999999999d is longer than the longest multimaster accepts, 36500d"
                        + " (100 years); lower --poll; see 'multimaster serve --help'\n");
    }

    @Test
    void shouldRejectAnUnknownFilterField() {
        assertThat(run("upgrade", "--db", dbUrl()).exitCode()).isZero();

        assertFails(
                run("list", "--db", dbUrl(), "--filter", "bogus=1"),
                2,
                "multimaster: unknown filter field 'bogus'; valid fields are [masterid, name, active, last_active];"
                        + " see 'multimaster list --help'\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"show 1", "list", "activate 1", "deactivate 1"})
    void shouldNotCreateAMissingSqliteDatabaseOnCommandsThatNeedOne(String command) throws Exception {
        String[] args = (command + " --db " + dbUrl()).split(" ");

        assertFails(
                run(args),
                3,
                "multimaster: database " + dbUrl() + " does not exist (no file " + dir.resolve("state.sqlite")
                        + "); check --db or $MULTIMASTER_DB, or run 'multimaster upgrade' to create it\n");
        assertNoDatabaseFile();
    }

    @Test
    void shouldCreateTheDatabaseOnFindAndUpgrade() {
        assertThat(run("find", "m", "--db", dbUrl()).out()).isEqualTo("1\n");
        assertThat(Files.exists(dir.resolve("state.sqlite"))).isTrue();
    }

    @Test
    void shouldTakeTheDatabaseFromTheEnvironmentUnlessDbIsGiven() {
        Cli withEnv = Cli.withEnvironment(Map.of("MULTIMASTER_DB", dbUrl()));
        String other = "sqlite:///" + dir.resolve("other.sqlite");

        assertThat(withEnv.run("find", "from-env").out()).isEqualTo("1\n");
        assertThat(withEnv.run("find", "other-1", "--db", other).out()).isEqualTo("1\n");
        assertThat(withEnv.run("find", "other-2", "--db", other).out()).isEqualTo("2\n");
        assertThat(withEnv.run("list", "--json").out())
                .startsWith("{\"masters\":[{\"active\":false,\"last_active\":")
                .endsWith(",\"masterid\":1,\"name\":\"from-env\"}],\"meta\":{\"total\":1}}\n");
    }

    @Test
    void shouldEscapeControlCharactersOfNamesInTables() {
        assertThat(run("find", "evil\nname\u001b[2J", "--db", dbUrl()).exitCode())
                .isZero();

        Cli.Result list = run("list", "--db", dbUrl());
        assertThat(list.out()).contains("\n1         evil\\u000aname\\u001b[2J  false   ");
        assertThat(run("show", "1", "--db", dbUrl()).out()).contains("name:        evil\\u000aname\\u001b[2J\n");
        assertThat(run("show", "1", "--json", "--db", dbUrl()).out()).contains("\"name\":\"evil\\nname\\u001b[2J\"");
    }

    @Test
    void shouldEscapeBidirectionalAndInvisibleCharactersOfNamesInTables() {
        // U+202E would show "evil-master" reversed and make the rest of the line read backwards.
        String name = "a\u202eretsam-live\u202c\u2066b\u2069\u200e\u200f\u200b\u2028c\u00ad";
        assertThat(run("find", name, "--db", dbUrl()).exitCode()).isZero();

        String escaped = "a\\u202eretsam-live\\u202c\\u2066b\\u2069\\u200e\\u200f\\u200b\\u2028c\\u00ad";
        assertThat(run("list", "--db", dbUrl()).out()).contains("\n1         " + escaped + "  false   ");
        assertThat(run("show", "1", "--db", dbUrl()).out()).contains("name:        " + escaped + "\n");
    }

    @Test
    void shouldAlignTableColumnsByDisplayWidth() {
        for (String name : List.of("ascii", "\u4e2d\u56fd", "\ud83d\ude80x", "e\u0301")) {
            assertThat(run("find", name, "--db", dbUrl()).exitCode()).isZero();
        }

        List<String> lines = run("list", "--db", dbUrl()).out().lines().toList();

        // Every row's ACTIVE column starts at terminal column 17: 中国 and 🚀 take two columns per
        // character, the combining accent of é none.
        assertThat(lines.get(0)).isEqualTo("MASTERID  NAME   ACTIVE  LAST_ACTIVE");
        assertThat(lines.get(1)).startsWith("1         ascii  false   ");
        assertThat(lines.get(2)).startsWith("2         \u4e2d\u56fd   false   ");
        assertThat(lines.get(3)).startsWith("3         \ud83d\ude80x    false   ");
        assertThat(lines.get(4)).startsWith("4         e\u0301      false   ");
    }

    @Test
    void shouldEscapeNonAsciiInJsonAsBuildbotDoes() {
        assertThat(run("find", "k\u00f6ln:/m\u00e4ster", "--db", dbUrl()).out()).isEqualTo("1\n");

        assertThat(run("show", "1", "--json", "--db", dbUrl()).out()).contains("\"name\":\"k\\u00f6ln:/m\\u00e4ster\"");
        assertThat(run("list", "--filter", "name=k\u00f6ln:/m\u00e4ster", "--json", "--db", dbUrl())
                        .out())
                .contains("\"masterid\":1,");
    }

    @Test
    void shouldRejectMalformedAndUnsupportedUrlsWithoutShowingThePassword() {
        assertFails(
                run("list", "--db", "sqlite://host/state.sqlite"),
                2,
                "multimaster: malformed SQLite URL 'sqlite://host/state.sqlite': a host is not allowed;"
                        + " use sqlite:///relative/path or sqlite:////absolute/path; see 'multimaster list --help'\n");

        Cli.Result unsupported = run("list", "--db", "oracle://scott:secret@db/orcl");
        assertThat(unsupported.exitCode()).isEqualTo(2);
        assertThat(unsupported.err())
                .startsWith("multimaster: unsupported database 'oracle' in URL 'oracle://scott:***@db/orcl':"
                        + " multimaster supports SQLite, PostgreSQL and MySQL/MariaDB; ");
        assertThat(unsupported.all()).doesNotContain("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999", "0"})
    void shouldRejectAPortOutOfRangeAsBadInputInOneLine(String port) {
        assertFails(
                run("list", "--db", "postgresql://postgres:pa/ss@127.0.0.1:" + port + "/db"),
                2,
                "multimaster: port " + port + " is out of range in database URL 'postgresql://postgres:***@127.0.0.1:"
                        + port + "/db'; a port is a number from 1 to 65535, e.g. db.example.org:5432;"
                        + " see 'multimaster list --help'\n");
    }

    static List<String> unreachableUrls() {
        return List.of(
                "postgresql://u:secret@127.0.0.1:1/x",
                "mysql://root:secret@127.0.0.1:1/x",
                "jdbc:postgresql://127.0.0.1:1/x?user=u&password=secret",
                "jdbc:mariadb://u:secret@127.0.0.1:1/x");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("unreachableUrls")
    void shouldReportAnUnreachableDatabaseWithoutThePassword(String url) {
        for (String command : List.of("find m", "show 1", "list", "activate 1", "deactivate 1", "upgrade")) {
            List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
            args.add("--db");
            args.add(url);

            Cli.Result result = run(args.toArray(String[]::new));

            assertThat(result.exitCode()).as(command).isEqualTo(3);
            assertThat(result.out()).as(command).isEmpty();
            assertThat(result.err())
                    .as(command)
                    .startsWith("multimaster: cannot connect to " + url.replace("secret", "***"))
                    .endsWith("; check that the database server is running and the URL is right\n")
                    .doesNotContain("\tat ")
                    .doesNotContain("secret");
        }
    }

    @Test
    void shouldNotEchoAPasswordInUsageErrors() {
        Cli.Result result = run("list", "postgresql://u:secret@db/x");

        assertFails(
                result,
                2,
                "multimaster: Unmatched argument at index 1: 'postgresql://u:***@db/x'\n"
                        + "Try 'multimaster list --help' for more information.\n");
    }

    @Test
    void shouldNotShowTheDatabaseOfTheEnvironmentInHelp() {
        Cli withEnv = Cli.withEnvironment(Map.of("MULTIMASTER_DB", "postgresql://u:secret@db/x"));

        assertThat(withEnv.run("list", "--help").all()).doesNotContain("secret").doesNotContain("db/x");
    }

    @Test
    void shouldRefuseDaemonTimingsThatCannotWorkBeforeOpeningTheDatabase(@TempDir Path dir) {
        String db = "sqlite:///" + dir.resolve("never-created.sqlite");

        assertFails(
                cli.run("run", "--db", db, "--heartbeat", "40s", "--expire", "60s"),
                2,
                "multimaster: expiry 1m must be at least 81s: twice the heartbeat interval 40s, so that a master"
                        + " that misses one check-in is not expired, plus a second, as last_active holds whole seconds;"
                        + " with less, a master that checks in on time stops its components at every beat; lower"
                        + " --heartbeat or raise --expire; see 'multimaster run --help'\n");
        assertFails(
                cli.run("run", "--db", db, "--heartbeat", "soon"),
                2,
                "multimaster: Invalid value for option '--heartbeat': invalid duration 'soon': write a number and a"
                        + " unit, e.g. 500ms, 60s, 10m, 2h, 7d\nTry 'multimaster run --help' for more information.\n");
        assertFails(
                cli.run("run", "--db", db, "--clock", "sundial"),
                2,
                "multimaster: Invalid value for option '--clock': expected one of [app, database] (case-sensitive)"
                        + " but was 'sundial'\nTry 'multimaster run --help' for more information.\n");
        assertFails(
                cli.run("prune", "--db", db),
                2,
                "multimaster: Missing required option: '--inactive-for=DURATION'\nTry 'multimaster prune --help' for"
                        + " more information.\n");
        assertThat(dir.resolve("never-created.sqlite")).doesNotExist();
    }

    @Test
    void shouldNameAnHttpHostWithoutAnAddressBeforeCreatingTheDatabase() throws Exception {
        assertFails(
                run("run", "--db", dbUrl(), "--http", "no-such-host.invalid:8010"),
                2,
                "multimaster: cannot serve HTTP on no-such-host.invalid:8010: no address is known for the host"
                        + " 'no-such-host.invalid'; pass --http HOST:PORT with a free port (0 picks one) or"
                        + " --no-http\n");
        assertNoDatabaseFile();
    }

    @Test
    void shouldNotOfferServeAnOptionItDoesNotHave() {
        DbConnector.open(dbUrl()).close(); // serve reads an existing schema first

        assertFails(
                run("serve", "--db", dbUrl(), "--http", "no-such-host.invalid:8010"),
                2,
                "multimaster: cannot serve HTTP on no-such-host.invalid:8010: no address is known for the host"
                        + " 'no-such-host.invalid'; pass --http HOST:PORT with a free port (0 picks one)\n");
    }
}
