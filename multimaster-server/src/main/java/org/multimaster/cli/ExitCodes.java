package org.multimaster.cli;

/** The exit codes of {@code multimaster}; they are API, and the tests pin them. */
final class ExitCodes {

    /** The command did what was asked. */
    static final int OK = 0;

    /** The master named by the command does not exist. */
    static final int NOT_FOUND = 1;

    /** Bad usage or bad input: unknown command or option, malformed value, URL or filter. */
    static final int USAGE = 2;

    /** The database failed: unreachable, without schema, or an SQL error. */
    static final int DATABASE = 3;

    /** A bug in multimaster: an exception nobody expected. */
    static final int INTERNAL = 4;

    private ExitCodes() {}
}
