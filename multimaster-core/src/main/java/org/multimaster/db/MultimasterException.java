package org.multimaster.db;

/**
 * The root of every exception multimaster throws or completes a future with; a database failure
 * keeps the driver's {@link java.sql.SQLException} as its cause.
 *
 * <p>Messages say what was wrong and what to do, and never contain a database password.
 */
public class MultimasterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MultimasterException(String message) {
        super(message);
    }

    public MultimasterException(String message, Throwable cause) {
        super(message, cause);
    }
}
