package org.multimaster.bench;

import org.multimaster.db.MultimasterException;

/** A benchmark that cannot run or cannot finish: a side failed, or a tool it needs is missing. */
public final class BenchException extends MultimasterException {

    private static final long serialVersionUID = 1L;

    BenchException(String message) {
        super(message);
    }

    BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
