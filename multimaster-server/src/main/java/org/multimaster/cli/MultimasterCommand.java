package org.multimaster.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code multimaster} command; it only dispatches to its subcommands.
 *
 * <p>Not thread-safe; one instance per run.
 */
@Command(
        name = "multimaster",
        description = {
            "Run a build master, and inspect and administer the build masters that share a Buildbot database.",
        },
        synopsisSubcommandLabel = "COMMAND",
        versionProvider = Version.class,
        footer = {
            "",
            "Every command takes --db URL, --json and --help, before or after its name.",
            "Exit codes: 0 success, 1 master not found, 2 bad usage or input, 3 database error.",
        })
final class MultimasterCommand implements Callable<Integer> {

    /**
     * The subcommands, in the order the help lists them. {@link Main} adds only the one a command
     * line names (all of them when it names none it knows): picocli builds a command's model by
     * reflection, which costs a one-shot command more than its own work.
     */
    static final List<Class<?>> COMMANDS = List.of(
            RunCommand.class,
            ServeCommand.class,
            FindCommand.class,
            ShowCommand.class,
            ListCommand.class,
            StatusCommand.class,
            ActivateCommand.class,
            DeactivateCommand.class,
            ExpireCommand.class,
            PruneCommand.class,
            UpgradeCommand.class,
            BenchCommand.class);

    private final Map<String, String> environment;

    /** Injected by picocli; not made here, which would build a spec of its own for nothing. */
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(
            names = {"-V", "--version"},
            versionHelp = true,
            description = "Print the version, and the Java runtime's, and exit.")
    boolean version;

    @Option(
            names = "--db",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description = {
                "Database URL: a Buildbot db_url or a JDBC URL, e.g.",
                "  sqlite:///state.sqlite",
                "  postgresql://user:pass@host/db",
                "  mysql://user:pass@host/db",
                "Default: $" + DatabaseOptions.DB_ENV + ", else sqlite:///state.sqlite in the working directory."
            })
    @Nullable
    String db;

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Print JSON (keys sorted, as Buildbot's data API does).")
    boolean json;

    MultimasterCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The process environment (injected, so that tests can set {@code MULTIMASTER_DB}). */
    Map<String, String> environment() {
        return environment;
    }

    /** The database URL given with {@code --db}, before or after the command. */
    @Nullable
    String db() {
        return db;
    }

    /** Whether {@code --json} was given, before or after the command. */
    boolean json() {
        return json;
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }
}
