package org.multimaster.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * The base of every subcommand that works on a database: the common options, opening the
 * database, and printing. A new subcommand extends it, implements {@link #execute()} and is listed
 * in {@link MultimasterCommand#COMMANDS}.
 *
 * <p>Not thread-safe; picocli creates one instance per run.
 */
abstract class DatabaseCommand implements Callable<Integer> {

    @ParentCommand
    MultimasterCommand parent;

    @Mixin
    DatabaseOptions options = new DatabaseOptions();

    /**
     * Runs the command.
     *
     * @return the exit code
     * @throws CliException for an expected failure with its own exit code
     */
    abstract int execute();

    @Override
    public final Integer call() {
        int code = execute();
        out().flush();
        return code;
    }

    /** The database URL from {@code --db}, else the environment, else Buildbot's default. */
    final String databaseUrl() {
        return databaseUrl(parent.db(), parent.environment());
    }

    /**
     * The database URL: {@code given} ({@code --db}), else {@code $MULTIMASTER_DB} unless blank, else
     * Buildbot's default.
     */
    static String databaseUrl(@Nullable String given, Map<String, String> environment) {
        if (given != null) {
            return given;
        }
        String fromEnv = environment.get(DatabaseOptions.DB_ENV);
        return fromEnv == null || fromEnv.isBlank() ? DatabaseUrl.DEFAULT : fromEnv;
    }

    /** The kind of database {@link #databaseUrl()} names, read from the URL alone. */
    final DatabaseKind databaseKind() {
        return DatabaseUrl.parse(databaseUrl()).kind();
    }

    /**
     * Opens the database.
     *
     * @param migrate whether to create or upgrade the schema; when false, a SQLite file that does
     *     not exist is reported instead of being created empty
     */
    final DbConnector open(boolean migrate) {
        String url = databaseUrl();
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        if (!migrate && parsed.kind() == DatabaseKind.SQLITE) {
            Path file = parsed.sqliteFile().orElseThrow();
            if (!Files.exists(file)) {
                throw new CliException(
                        ExitCodes.DATABASE,
                        "database " + parsed + " does not exist (no file " + file
                                + "); check --db or $" + DatabaseOptions.DB_ENV
                                + ", or run 'multimaster upgrade' to create it");
            }
        }
        // One connection is enough for one command and leaves the server's connections to the masters.
        return DbConnector.builder().url(url).poolSize(1).migrate(migrate).open();
    }

    /** Whether the SQLite file that {@link #databaseUrl()} names exists; false for a database server's URL. */
    final boolean sqliteFileExists() {
        return DatabaseUrl.parse(databaseUrl()).sqliteFile().map(Files::exists).orElse(false);
    }

    final boolean json() {
        return parent.json();
    }

    final PrintWriter out() {
        return parent.spec().commandLine().getOut();
    }
}
