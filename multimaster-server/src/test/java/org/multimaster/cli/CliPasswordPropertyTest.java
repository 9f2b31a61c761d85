package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.multimaster.db.testing.Passwords;
import org.multimaster.db.testing.TestDatabase;

/**
 * No output, error or log line of any command ever holds a database password, whatever its
 * characters and however the URL is given ({@code --db URL}, {@code --db=URL},
 * {@code $MULTIMASTER_DB}, or by mistake as an argument). The CLI runs in-process through
 * {@link Main#run}, with every logger at every level captured.
 *
 * <p>A password is only checked when it cannot be in the output by chance: a baseline run with
 * another password must not contain it either (a password {@code "127"} is in every message about
 * 127.0.0.1).
 */
class CliPasswordPropertyTest {

    /** Where the password goes: {@code {raw}} as typed, {@code {enc}} percent-encoded. */
    static final List<String> UNREACHABLE = List.of(
            "postgresql://bb:{raw}@127.0.0.1:1/buildbot",
            "postgresql+psycopg2://bb:{enc}@127.0.0.1:1/buildbot",
            "mysql://bb:{raw}@127.0.0.1:1/buildbot?max_idle=300",
            "postgresql://bb@/buildbot?host=127.0.0.1:1&host=127.0.0.1:2&password={enc}&target_session_attrs=read-write",
            "jdbc:postgresql://127.0.0.1:1,127.0.0.1:2/buildbot?user=bb&password={enc}&targetServerType=primary",
            "jdbc:postgresql://127.0.0.1:1/buildbot?PASSWORD={enc}",
            "jdbc:mysql://bb:{enc}@127.0.0.1:1/buildbot",
            "jdbc:mariadb://address=(host=127.0.0.1)(port=1)(password={raw})/buildbot",
            "postgresql://bb:{raw}@127.0.0.1:99999/buildbot",
            "postgresql:/bb:{raw}@127.0.0.1:1/buildbot",
            "oracle://bb:{raw}@127.0.0.1:1/orcl");

    static final List<String> COMMANDS = List.of(
            "find m",
            "show 1",
            "list",
            "activate 1",
            "deactivate 1",
            "expire",
            "prune --inactive-for 1d",
            "upgrade --json",
            "run --name m --heartbeat 1s --expire 5s");

    /** How the URL reaches the command. */
    enum Given {
        OPTION,
        OPTION_WITH_EQUALS,
        ENVIRONMENT,
        STRAY_ARGUMENT
    }

    private static final String BASELINE_PASSWORD = "Bq7-baseline-Bq7";
    private static final Map<String, String> BASELINES = new ConcurrentHashMap<>();

    @BeforeContainer
    static void quietDrivers() {
        // The PostgreSQL driver logs through java.util.logging; it would not be captured, so check
        // that it stays silent rather than printing on its own.
        java.util.logging.Logger.getLogger("org.postgresql").setLevel(java.util.logging.Level.OFF);
    }

    @Provide
    Arbitrary<String> passwords() {
        return Passwords.any();
    }

    @Property(tries = 200)
    void shouldNeverPrintThePasswordOfAUrlThatIsRefused(
            @ForAll("passwords") String password,
            @ForAll @IntRange(min = 0, max = 10) int form,
            @ForAll @IntRange(min = 0, max = 8) int command,
            @ForAll boolean strayArgument) {
        // Refused before any connection: a port out of range, or the URL where no argument belongs.
        String template = strayArgument
                ? UNREACHABLE.get(form)
                : UNREACHABLE
                        .get(form)
                        .replace("127.0.0.1:1", "127.0.0.1:99999")
                        .replace("(port=1)", "(port=99999)");
        checkNeverPrinted(
                template, password, COMMANDS.get(command), strayArgument ? Given.STRAY_ARGUMENT : Given.OPTION);
    }

    @Property(tries = 25)
    void shouldNeverPrintThePasswordOfADatabaseThatCannotBeReached(
            @ForAll("passwords") String password,
            @ForAll @IntRange(min = 0, max = 10) int form,
            @ForAll @IntRange(min = 0, max = 8) int command,
            @ForAll Given given) {
        checkNeverPrinted(UNREACHABLE.get(form), password, COMMANDS.get(command), given);
    }

    private static void checkNeverPrinted(String template, String password, String command, Given given) {
        Assume.that(!template.contains("(password={raw})") || password.indexOf('(') < 0 && password.indexOf(')') < 0);

        String printed = runCapturingEverything(template, password, command, given);
        String baseline = BASELINES.computeIfAbsent(
                template + "|" + command + "|" + given,
                k -> runCapturingEverything(template, BASELINE_PASSWORD, command, given));
        Assume.that(!baseline.contains(password) && !baseline.contains(Passwords.encoded(password)));

        assertThat(printed).doesNotContain(password).doesNotContain(Passwords.encoded(password));
        assertThat(baseline).doesNotContain(BASELINE_PASSWORD);
    }

    @Property(tries = 5)
    void shouldNeverPrintThePasswordOfAWorkingDatabaseNorLogItWhenRunning(
            @ForAll("passwords") String password, @ForAll boolean jdbc) {
        // A password made only of digits and time punctuation could be in a timestamp by chance.
        Assume.that(!password.chars().allMatch(c -> "0123456789:.-+TZ ".indexOf(c) >= 0));
        TestDatabase database = TestDatabase.postgres("mm_secrets");
        // The local server trusts its clients: any password is accepted, and never checked.
        String server = database.url()
                .substring("jdbc:postgresql://".length(), database.url().indexOf('/', 18));
        String template = jdbc
                ? "jdbc:postgresql://" + server + "/" + database.name() + "?user=postgres&password={enc}"
                : "postgresql://postgres:{raw}@" + server + "/" + database.name();

        // Both runs start from an empty database: the first migration logs more (Flyway's note on an
        // empty schema holds a '?'), so a baseline taken on a migrated one would miss those lines.
        String baseline =
                BASELINES.computeIfAbsent(template, k -> upgradeAndRun(database, template, BASELINE_PASSWORD));
        String printed = upgradeAndRun(database, template, password);
        Assume.that(!baseline.contains(password) && !baseline.contains(Passwords.encoded(password)));

        assertThat(printed).doesNotContain(password).doesNotContain(Passwords.encoded(password));
        assertThat(baseline).doesNotContain(BASELINE_PASSWORD);
    }

    private static String upgradeAndRun(TestDatabase database, String template, String password) {
        database.reset();
        String upgrade = runCapturingEverything(template, password, "upgrade --json", Given.OPTION, true);
        assertThat(upgrade).contains("\"masters_marked\":");
        String run = runUntilStarted(template.replace("{raw}", password).replace("{enc}", Passwords.encoded(password)));
        assertThat(run).contains("starting master 'secret-test' on ");
        return upgrade + run;
    }

    private static String runCapturingEverything(String template, String password, String command, Given given) {
        return runCapturingEverything(template, password, command, given, false);
    }

    private static String runCapturingEverything(
            String template, String password, String command, Given given, boolean works) {
        String url = template.replace("{raw}", password).replace("{enc}", Passwords.encoded(password));
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        Map<String, String> environment = Map.of();
        switch (given) {
            case OPTION -> args.addAll(List.of("--db", url));
            case OPTION_WITH_EQUALS -> args.add("--db=" + url);
            case ENVIRONMENT -> environment = Map.of("MULTIMASTER_DB", url);
            case STRAY_ARGUMENT -> args.add(url);
        }
        try (LogCapture log = LogCapture.everything()) {
            Cli.Result result = Cli.withEnvironment(environment).run(args.toArray(String[]::new));
            assertThat(result.exitCode() == 0)
                    .as("%s with %s: %s", command, url, result)
                    .isEqualTo(works);
            return result.out() + result.err() + log.text();
        }
    }

    /** Runs {@code run} in-process until its master has started, then stops it with an interrupt. */
    private static String runUntilStarted(String url) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        try (LogCapture log = LogCapture.everything()) {
            Thread thread = new Thread(() -> code.set(Main.run(
                    new String[] {
                        "run",
                        "--db",
                        url,
                        "--name",
                        "secret-test",
                        "--heartbeat",
                        "1s",
                        "--expire",
                        "5s",
                        "--http",
                        "127.0.0.1:0"
                    },
                    new PrintWriter(out, true),
                    new PrintWriter(err, true),
                    Map.of())));
            thread.start();
            try {
                awaitStart(log, thread, err);
                thread.interrupt();
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            assertThat(code.get()).as("exit code after an interrupt; %s", err).isZero();
            return out + err.toString() + log.text();
        }
    }

    private static void awaitStart(LogCapture log, Thread thread, StringWriter err) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!log.text().contains(") started: heartbeat every") && thread.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the master did not start: " + log.text() + err);
            }
            Thread.sleep(50);
        }
    }
}
