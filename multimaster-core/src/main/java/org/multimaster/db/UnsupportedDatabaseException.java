package org.multimaster.db;

/** The database URL names a database that multimaster does not support. */
public class UnsupportedDatabaseException extends MultimasterException {

    private static final long serialVersionUID = 1L;

    public UnsupportedDatabaseException(String message) {
        super(message);
    }
}
