package org.multimaster.db.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.multimaster.db.TimeSource;

/**
 * "Now" in SQL, from the clock (a bound parameter) or from the database server (an expression),
 * so every write of {@code last_active} and every expiry comparison uses the same source.
 */
final class Now {

    private final TimeSource source;
    private final Clock clock;
    private final Dialect dialect;

    Now(TimeSource source, Clock clock, Dialect dialect) {
        this.source = source;
        this.clock = clock;
        this.dialect = dialect;
    }

    /** The SQL for "now" in epoch seconds: {@code ?} (bind with {@link #bind}) or an expression. */
    String sql() {
        return source == TimeSource.DATABASE ? dialect.currentEpochSeconds() : "?";
    }

    /**
     * The SQL for "now minus {@code ago}" in epoch seconds; bind with {@link #bindMinus}. Written so
     * that both sources take exactly one parameter.
     */
    String minusSql() {
        return source == TimeSource.DATABASE ? "(" + dialect.currentEpochSeconds() + " - ?)" : "?";
    }

    /** Binds the parameter of {@link #sql()}, if it has one; returns the next parameter index. */
    int bind(PreparedStatement statement, int index) throws SQLException {
        if (source == TimeSource.DATABASE) {
            return index;
        }
        statement.setLong(index, epochSeconds());
        return index + 1;
    }

    /** Binds the parameter of {@link #minusSql()}; returns the next parameter index. */
    int bindMinus(PreparedStatement statement, int index, Duration ago) throws SQLException {
        statement.setLong(index, source == TimeSource.DATABASE ? ago.toSeconds() : epochSeconds() - ago.toSeconds());
        return index + 1;
    }

    private long epochSeconds() {
        return clock.instant().getEpochSecond();
    }
}
