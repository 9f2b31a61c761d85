package org.multimaster.db;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Reads integers as Python's {@code int()} does, because Buildbot reads every number of a request
 * with it and multimaster must accept and refuse the same texts: surrounding whitespace, a sign,
 * and single underscores between digits are allowed ({@code " +1_000 "} is 1000).
 *
 * <p>Query parameters reach Buildbot as bytes, so only ASCII whitespace and digits count there;
 * path segments reach it as text, where any Unicode whitespace and decimal digit does.
 */
final class PythonInt {

    private PythonInt() {}

    /** Reads a query parameter value; empty if Python's {@code int(bytes)} would refuse it. */
    static Optional<BigInteger> fromBytes(String text) {
        return parse(text, false);
    }

    /** Reads a path segment; empty if Python's {@code int(str)} would refuse it. */
    static Optional<BigInteger> fromText(String text) {
        return parse(text, true);
    }

    /** The value clamped to the range of a {@code long}; outside it no row can match anyway. */
    static long clamp(BigInteger value) {
        if (value.bitLength() < 64) {
            return value.longValue();
        }
        return value.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    private static Optional<BigInteger> parse(String text, boolean unicode) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start), unicode)) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1), unicode)) {
            end--;
        }
        boolean negative = start < end && text.charAt(start) == '-';
        if (start < end && (text.charAt(start) == '+' || negative)) {
            start++;
        }
        if (start >= end) {
            return Optional.empty();
        }
        StringBuilder digits = new StringBuilder(end - start);
        boolean previousWasDigit = false;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '_') {
                // An underscore only between two digits.
                if (!previousWasDigit || i + 1 >= end || digit(text.charAt(i + 1), unicode) < 0) {
                    return Optional.empty();
                }
                previousWasDigit = false;
                continue;
            }
            int d = digit(c, unicode);
            if (d < 0) {
                return Optional.empty();
            }
            digits.append((char) ('0' + d));
            previousWasDigit = true;
        }
        BigInteger value = new BigInteger(digits.toString());
        return Optional.of(negative ? value.negate() : value);
    }

    private static int digit(char c, boolean unicode) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return unicode && Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER ? Character.digit(c, 10) : -1;
    }

    private static boolean isSpace(char c, boolean unicode) {
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            return true;
        }
        // Python's str.isspace(): Java's whitespace and space separators (no-break spaces included),
        // the information separators and NEL.
        return unicode && (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085');
    }
}
