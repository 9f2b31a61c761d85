package org.multimaster.cli;

import picocli.CommandLine.Option;

/** The help option of every command, and where the database comes from by default. */
final class DatabaseOptions {

    /** The environment variable that names the database when {@code --db} is not given. */
    static final String DB_ENV = "MULTIMASTER_DB";

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;
}
