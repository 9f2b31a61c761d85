package org.multimaster.db;

import java.util.Objects;

/**
 * A query of the data API is malformed: an unknown parameter or field, a value of the wrong type.
 * Nothing was read or written.
 *
 * <p>It carries two texts for the same mistake: {@link #getMessage()} says what was wrong, the
 * offending value and what to do, for people (the CLI); {@link #buildbotText()} is the error text
 * that Buildbot 3.7 answers with status 400, for HTTP clients written against Buildbot.
 */
public final class InvalidQueryException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String buildbotText;

    /**
     * @param message what was wrong, the offending value and what to do
     * @param buildbotText Buildbot's error text for this mistake; where Buildbot has none (it
     *     answers 500 instead), the same as {@code message}
     */
    public InvalidQueryException(String message, String buildbotText) {
        super(Objects.requireNonNull(message, "message"));
        this.buildbotText = Objects.requireNonNull(buildbotText, "buildbotText");
    }

    /** The error text Buildbot 3.7 gives for this mistake (or the message, where it has none). */
    public String buildbotText() {
        return buildbotText;
    }
}
