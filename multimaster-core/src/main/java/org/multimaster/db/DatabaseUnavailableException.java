package org.multimaster.db;

/**
 * The database could not be reached (connection refused, pool exhausted, server gone); retrying
 * later may succeed.
 */
public class DatabaseUnavailableException extends MultimasterException {

    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
