package org.multimaster.db.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the environment of a test run says: settings in environment variables, and whether this is
 * CI, where everything a suite needs must be there. Stateless and thread-safe.
 */
public final class TestEnvironment {

    private TestEnvironment() {}

    /** The value of the environment variable {@code name}, or {@code fallback} if it is unset or blank. */
    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Whether the tests run in CI ({@code CI=true}). */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test with {@code message} if what it needs is not {@code present}; in CI,
     * fails it instead, so that a missing tool cannot pass unnoticed.
     */
    public static void require(boolean present, String message) {
        if (!present && inCi()) {
            throw new AssertionError(message);
        }
        assumeTrue(present, message);
    }
}
