package org.multimaster.bench;

/**
 * One implementation under measurement: multimaster's connector, the bare JDBC floor, or real
 * Buildbot's connector.
 */
interface Side extends AutoCloseable {

    /** The name in reports: {@code multimaster}, {@code floor} or {@code buildbot}. */
    String name();

    /** Whether this side has the operation. */
    default boolean supports(Operation op) {
        return true;
    }

    /**
     * Runs the batch's calls one after the other on the calling thread.
     *
     * @return the wall time of each call, in nanoseconds
     */
    long[] run(Workload.Batch batch) throws Exception;
}
