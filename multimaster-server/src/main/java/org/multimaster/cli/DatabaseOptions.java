package org.multimaster.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options every command takes: which database, and whether to print JSON. */
final class DatabaseOptions {

    /** The environment variable that names the database when {@code --db} is not given. */
    static final String DB_ENV = "MULTIMASTER_DB";

    @Option(
            names = "--db",
            paramLabel = "URL",
            description = {
                "Database URL: a Buildbot db_url or a JDBC URL, e.g.",
                "  sqlite:///state.sqlite",
                "  postgresql://user:pass@host/db",
                "  mysql://user:pass@host/db",
                "Default: $" + DB_ENV + ", else sqlite:///state.sqlite in the working directory."
            })
    @Nullable
    String db;

    @Option(names = "--json", description = "Print JSON (keys sorted, as Buildbot's data API does).")
    boolean json;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;
}
