package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the help of every command: it is the CLI's documentation. {@code --help} and {@code -h}
 * print it on stdout, exit 0 and touch no database.
 */
class CliHelpTest {

    private final Cli cli = Cli.withoutEnvironment();

    @Test
    void shouldBuildOnlyTheCommandThatTheLineNamesAfterItsGlobalOptions() {
        assertThat(Main.commandsFor(new String[] {"list", "--db", "sqlite:///x"}))
                .containsExactly(ListCommand.class);
        assertThat(Main.commandsFor(new String[] {"--db", "run", "--json", "find", "a"}))
                .containsExactly(FindCommand.class);
        assertThat(Main.commandsFor(new String[] {"--db=sqlite:///x", "--json", "status"}))
                .containsExactly(StatusCommand.class);
        // Top-level help, a mistyped command (for its suggestions) or no command: every command.
        assertThat(Main.commandsFor(new String[] {"--help"})).isEqualTo(MultimasterCommand.COMMANDS);
        assertThat(Main.commandsFor(new String[] {"lst"})).isEqualTo(MultimasterCommand.COMMANDS);
        assertThat(Main.commandsFor(new String[] {})).isEqualTo(MultimasterCommand.COMMANDS);
        assertThat(MultimasterCommand.COMMANDS).hasSize(12);
    }

    @Test
    void shouldPrintThisBuildsVersionAndItsJavaRuntimeOnVersionAndTouchNoDatabase() {
        for (String flag : List.of("--version", "-V")) {
            Cli.Result result = cli.run(flag);
            assertThat(result.exitCode()).as("exit code of %s", flag).isZero();
            assertThat(result.err()).as("stderr of %s", flag).isEmpty();
            // The version Maven filtered in, not the placeholder of an unfiltered file.
            assertThat(result.out().lines().toList())
                    .as("version of %s", flag)
                    .hasSize(2)
                    .satisfies(lines -> {
                        assertThat(lines.get(0)).matches("multimaster \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
                        assertThat(lines.get(1))
                                .startsWith("Java " + System.getProperty("java.version") + " (")
                                .endsWith(System.getProperty("os.name") + " " + System.getProperty("os.arch"));
                    });
        }
        assertThat(java.nio.file.Path.of("state.sqlite"))
                .as("no database opened")
                .doesNotExist();
    }

    @Test
    void shouldPrintTopHelp() {
        assertHelp("", """
Usage: multimaster [-hV] [--json] [--db=URL] COMMAND
Run a build master, and inspect and administer the build masters that share a
Buildbot database.
      --db=URL    Database URL: a Buildbot db_url or a JDBC URL, e.g.
                    sqlite:///state.sqlite
                    postgresql://user:pass@host/db
                    mysql://user:pass@host/db
                  Default: $MULTIMASTER_DB, else sqlite:///state.sqlite in the
                    working directory.
  -h, --help      Show this help and exit.
      --json      Print JSON (keys sorted, as Buildbot's data API does).
  -V, --version   Print the version, and the Java runtime's, and exit.
Commands:
  run         Run one build master on the database: register, check in every
                --heartbeat, expire peers silent for longer than --expire
                (cleaning up after each exactly once), and claim the schedulers
                and change sources given, taking over those of expired peers.
  serve       Serve the data API (/api/v2), the Build Masters page (/),
                /metrics and /healthz for the masters of the database, without
                registering a master or expiring anyone: an observer to run
                beside Buildbot masters.
  find        Print the id of the master named NAME, registering it if it is
                new (inactive, last_active = now), exactly as a master does
                when it starts (Buildbot's findMasterId).
  show        Print the master with id ID.
  list        Print the masters, in id order unless --order is given.
  status      Print the cluster on one screen: each master, whether it is
                active, how long since its last check-in (by the database's
                clock), and the schedulers and change sources it runs; then
                what no master runs.
  activate    Mark the master with id ID active and set its last_active to now
                (a check-in).
  deactivate  Mark the master with id ID inactive and, in the same transaction,
                clean up after it as a Buildbot master would: release its
                schedulers, change sources, builder registrations, worker
                connections and pending build requests, and end its running
                builds as RETRY (completed builds stay). Other masters then
                take its work over.
  expire      Mark inactive every active master that has not checked in for
                longer than --expire, and clean up after each as a Buildbot
                master would: its claims, builder registrations and worker
                connections are released, its running builds end as RETRY and
                its pending build requests are released to be built again. Safe
                beside running masters: each master is cleaned up exactly once.
  prune       Delete the masters that have been inactive for longer than
                --inactive-for and that nothing references any more. A master
                that any build (or claim) still refers to is kept: builds are
                history.
  upgrade     Create multimaster's schema if the database has none, or upgrade
                it to the current version; a database that Buildbot created is
                left as it is.
  bench       Benchmark every masters operation on a scratch database, side by
                side with the fewest plain-JDBC statements doing the same work
                (the floor) and with real Buildbot's connector.

Every command takes --db URL, --json and --help, before or after its name.
Exit codes: 0 success, 1 master not found, 2 bad usage or input, 3 database
error.
""");
    }

    @Test
    void shouldPrintFindHelp() {
        assertHelp("find", """
Usage: multimaster find [-h] [--json] [--db=URL] NAME
Print the id of the master named NAME, registering it if it is new (inactive,
last_active = now), exactly as a master does when it starts (Buildbot's
findMasterId).
Because it registers, it also creates the schema when the database has none, as
a starting master would.
      NAME       The master's name, usually hostname:basedir; compared exactly.
      --db=URL   Database URL: a Buildbot db_url or a JDBC URL, e.g.
                   sqlite:///state.sqlite
                   postgresql://user:pass@host/db
                   mysql://user:pass@host/db
                 Default: $MULTIMASTER_DB, else sqlite:///state.sqlite in the
                   working directory.
  -h, --help     Show this help and exit.
      --json     Print JSON (keys sorted, as Buildbot's data API does).
""");
    }

    @Test
    void shouldPrintShowHelp() {
        assertHelp("show", """
Usage: multimaster show [-h] [--json] [--db=URL] ID
Print the master with id ID.
Read-only: a database without schema (or a SQLite file that does not exist) is
an error, never created.
      ID         The master id, as 'multimaster list' shows it.
      --db=URL   Database URL: a Buildbot db_url or a JDBC URL, e.g.
                   sqlite:///state.sqlite
                   postgresql://user:pass@host/db
                   mysql://user:pass@host/db
                 Default: $MULTIMASTER_DB, else sqlite:///state.sqlite in the
                   working directory.
  -h, --help     Show this help and exit.
      --json     Print JSON (keys sorted, as Buildbot's data API does).
""");
    }

    @Test
    void shouldPrintListHelp() {
        assertHelp("list", """
Usage: multimaster list [-h] [--json] [--db=URL] [--limit=N] [--offset=N]
                        [--filter=FIELD[__OP]=VALUE]... [--order=FIELD]...
                        [--active | --inactive]
Print the masters, in id order unless --order is given.
Fields: masterid (integer), name (string), active (boolean: true/false, yes/no,
on/off, 1/0), last_active (epoch seconds).
Read-only: a database without schema (or a SQLite file that does not exist) is
an error, never created.
      --active        Only active masters.
      --db=URL        Database URL: a Buildbot db_url or a JDBC URL, e.g.
                        sqlite:///state.sqlite
                        postgresql://user:pass@host/db
                        mysql://user:pass@host/db
                      Default: $MULTIMASTER_DB, else sqlite:///state.sqlite in
                        the working directory.
      --filter=FIELD[__OP]=VALUE
                      Only masters whose FIELD matches; repeatable (all filters
                        must match).
  -h, --help          Show this help and exit.
      --inactive      Only inactive masters.
      --json          Print JSON (keys sorted, as Buildbot's data API does).
      --limit=N       Print at most N masters; negative: all but the last -N
                        (as Buildbot pages).
      --offset=N      Skip the first N masters (default 0); negative: only the
                        last -N.
      --order=FIELD   Sort by FIELD; -FIELD sorts descending. Repeat for
                        several keys.

Filter operators: eq ne lt le gt ge contains in notin; FIELD=VALUE means
FIELD__eq=VALUE.
Repeating a filter on the same field and operator gives several values: for eq
and in the master must match one of them, for ne and notin none of them.
Datetimes: epoch seconds or ISO-8601 such as 2026-11-28T10:00:00Z.

Examples:
  multimaster list --active --order -last_active
  multimaster list --filter name__contains=build --limit 10
  multimaster list --filter masterid=1 --filter masterid=3 --json
""");
    }

    @Test
    void shouldPrintActivateHelp() {
        assertHelp("activate", """
Usage: multimaster activate [-h] [--json] [--db=URL] ID
Mark the master with id ID active and set its last_active to now (a check-in).
Prints whether its state changed; an active master stays active and only its
last_active moves.
Needs an existing database: a database without schema (or a SQLite file that
does not exist) is an error, never created, since it cannot hold the master.
      ID         The master id, as 'multimaster list' shows it.
      --db=URL   Database URL: a Buildbot db_url or a JDBC URL, e.g.
                   sqlite:///state.sqlite
                   postgresql://user:pass@host/db
                   mysql://user:pass@host/db
                 Default: $MULTIMASTER_DB, else sqlite:///state.sqlite in the
                   working directory.
  -h, --help     Show this help and exit.
      --json     Print JSON (keys sorted, as Buildbot's data API does).
""");
    }

    @Test
    void shouldPrintDeactivateHelp() {
        assertHelp("deactivate", """
Usage: multimaster deactivate [-h] [--json] [--db=URL] ID
Mark the master with id ID inactive and, in the same transaction, clean up
after it as a Buildbot master would: release its schedulers, change sources,
builder registrations, worker connections and pending build requests, and end
its running builds as RETRY (completed builds stay). Other masters then take
its work over.
Prints whether its state changed. Use it only for a master that is really
stopped: a running master marks itself active again at its next check-in.
Needs an existing database: a database without schema (or a SQLite file that
does not exist) is an error, never created, since it cannot hold the master.
      ID         The master id, as 'multimaster list' shows it.
      --db=URL   Database URL: a Buildbot db_url or a JDBC URL, e.g.
                   sqlite:///state.sqlite
                   postgresql://user:pass@host/db
                   mysql://user:pass@host/db
                 Default: $MULTIMASTER_DB, else sqlite:///state.sqlite in the
                   working directory.
  -h, --help     Show this help and exit.
      --json     Print JSON (keys sorted, as Buildbot's data API does).
""");
    }

    @Test
    void shouldPrintUpgradeHelp() {
        assertHelp("upgrade", """
Usage: multimaster upgrade [-h] [--force] [--json] [--db=URL]
Create multimaster's schema if the database has none, or upgrade it to the
current version; a database that Buildbot created is left as it is.
Then mark every master active with last_active 0 (Buildbot's upgrade-master
does the same), so that the next master to start sees them all as expired and
cleans up after them.
Run it while no master is running: it refuses, changing nothing, while a master
that checked in within the last 10m may still be running, unless --force is
given.
      --db=URL   Database URL: a Buildbot db_url or a JDBC URL, e.g.
                   sqlite:///state.sqlite
                   postgresql://user:pass@host/db
                   mysql://user:pass@host/db
                 Default: $MULTIMASTER_DB, else sqlite:///state.sqlite in the
                   working directory.
      --force    Mark the masters even when some checked in within the last
                   10m: only when they are gone, as their peers would expire a
                   running one and clean up after it (its builds end as RETRY).
  -h, --help     Show this help and exit.
      --json     Print JSON (keys sorted, as Buildbot's data API does).
""");
    }

    @Test
    void shouldPrintRunHelp() {
        assertHelp("run", """
Usage: multimaster run [-h] [--force-short-expiry] [--json] [--no-http]
                       [--admin-token-file=FILE] [--clock=app|database]
                       [--db=URL] [--expire=DURATION] [--heartbeat=DURATION]
                       [--http=HOST:PORT] [--name=NAME] [--poll=DURATION]
                       [--changesource=NAME]... [--scheduler=NAME]...
Run one build master on the database: register, check in every --heartbeat,
expire peers silent for longer than --expire (cleaning up after each exactly
once), and claim the schedulers and change sources given, taking over those of
expired peers.
Stops gracefully on SIGTERM or Ctrl-C: releases its claims and marks itself
stopped.
Logs every step on stderr. Creates the schema if the database has none.
      --admin-token-file=FILE
                             Allow POST /api/v2/masters/ID/deactivate to
                               clients that send the token in FILE (at least 16
                               letters, digits and punctuation) as
                               'Authorization: Bearer TOKEN'. Without it,
                               operator actions are off.
      --changesource=NAME    A change source this master runs when no other
                               active master does (repeatable).
      --clock=app|database   Where 'now' comes from for check-ins and expiry:
                               this host's clock (app) or the database server's
                               (database; immune to clock skew between hosts).
                               Default: app.
      --db=URL               Database URL: a Buildbot db_url or a JDBC URL, e.g.
                               sqlite:///state.sqlite
                               postgresql://user:pass@host/db
                               mysql://user:pass@host/db
                             Default: $MULTIMASTER_DB, else sqlite:///state.
                               sqlite in the working directory.
      --expire=DURATION      How long a master may go without checking in
                               before it is expired. On a database that
                               Buildbot created, more than 2m (Buildbot masters
                               check in every 60 s). Default: 10m.
      --force-short-expiry   Allow --expire of 2m or less on a database that
                               Buildbot created: only when no Buildbot master
                               uses it, or live Buildbot masters are expired
                               and their builds ended.
  -h, --help                 Show this help and exit.
      --heartbeat=DURATION   How often to check in (e.g. 1s, 60s, 2m; at least
                               100ms). --expire must be at least twice it plus
                               a second (two for an interval that is not whole
                               seconds). Default: 60s.
      --http=HOST:PORT       Serve the data API (/api/v2), the Build Masters
                               page (/), /metrics and /healthz on HOST:PORT;
                               port 0 picks a free one. Default: 127.0.0.1:8010
                               (this host only); 0.0.0.0:8010 serves every
                               interface.
      --json                 Print JSON (keys sorted, as Buildbot's data API
                               does).
      --name=NAME            The master's name. Default: hostname:
                               working-directory, as Buildbot names masters.
      --no-http              Serve no HTTP (no data API, page, metrics or
                               health check).
      --poll=DURATION        How often the live event stream and the page read
                               the masters' state from the database (one cheap
                               query, independent of the heartbeat). Default:
                               2s.
      --scheduler=NAME       A scheduler this master runs when no other active
                               master does (repeatable).
""");
    }

    @Test
    void shouldPrintExpireHelp() {
        assertHelp("expire", """
Usage: multimaster expire [-h] [--force-short-expiry] [--json] [--db=URL]
                          [--expire=DURATION]
Mark inactive every active master that has not checked in for longer than
--expire, and clean up after each as a Buildbot master would: its claims,
builder registrations and worker connections are released, its running builds
end as RETRY and its pending build requests are released to be built again.
Safe beside running masters: each master is cleaned up exactly once.
Prints the masters this sweep expired.
      --db=URL               Database URL: a Buildbot db_url or a JDBC URL, e.g.
                               sqlite:///state.sqlite
                               postgresql://user:pass@host/db
                               mysql://user:pass@host/db
                             Default: $MULTIMASTER_DB, else sqlite:///state.
                               sqlite in the working directory.
      --expire=DURATION      How long a master may go without checking in
                               before it is expired. On a database that
                               Buildbot created, more than 2m (Buildbot masters
                               check in every 60 s). Default: 10m.
      --force-short-expiry   Allow --expire of 2m or less on a database that
                               Buildbot created: only when no Buildbot master
                               uses it, or live Buildbot masters are expired
                               and their builds ended.
  -h, --help                 Show this help and exit.
      --json                 Print JSON (keys sorted, as Buildbot's data API
                               does).
""");
    }

    @Test
    void shouldPrintPruneHelp() {
        assertHelp("prune", """
Usage: multimaster prune [-h] [--json] [--db=URL] --inactive-for=DURATION
Delete the masters that have been inactive for longer than --inactive-for and
that nothing references any more. A master that any build (or claim) still
refers to is kept: builds are history.
Prints the masters deleted.
      --db=URL   Database URL: a Buildbot db_url or a JDBC URL, e.g.
                   sqlite:///state.sqlite
                   postgresql://user:pass@host/db
                   mysql://user:pass@host/db
                 Default: $MULTIMASTER_DB, else sqlite:///state.sqlite in the
                   working directory.
  -h, --help     Show this help and exit.
      --inactive-for=DURATION
                 How long a master must have been inactive, e.g. 30d.
      --json     Print JSON (keys sorted, as Buildbot's data API does).
""");
    }

    private void assertHelp(String command, String expected) {
        for (String flag : List.of("--help", "-h")) {
            List<String> args = new ArrayList<>();
            if (!command.isEmpty()) {
                args.add(command);
            }
            args.add(flag);
            Cli.Result result = cli.run(args.toArray(String[]::new));
            assertThat(result.exitCode()).as("exit code of %s", args).isZero();
            assertThat(result.err()).as("stderr of %s", args).isEmpty();
            assertThat(result.out()).as("help of %s", args).isEqualTo(expected);
        }
    }
}
