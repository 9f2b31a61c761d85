package org.multimaster.cli;

/**
 * An expected failure of a command: its message is printed on stderr as it is, without stack
 * trace, and the process exits with {@link #exitCode()}.
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliException notFound(long masterId) {
        return new CliException(
                ExitCodes.NOT_FOUND, "no master has id " + masterId + "; 'multimaster list' shows the masters");
    }

    int exitCode() {
        return exitCode;
    }
}
