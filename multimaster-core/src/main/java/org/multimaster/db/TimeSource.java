package org.multimaster.db;

/** Where "now" comes from for {@code last_active} writes and expiry comparisons. */
public enum TimeSource {
    /** The connector's injected {@link java.time.Clock} (default; what Buildbot does). */
    APPLICATION,
    /**
     * The database server's clock, evaluated in SQL, so that masters on hosts whose clocks disagree
     * still agree on who is expired.
     */
    DATABASE
}
