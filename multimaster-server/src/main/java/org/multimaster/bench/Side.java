package org.multimaster.bench;

/**
 * One implementation under measurement: multimaster's connector, the bare JDBC floor, real
 * Buildbot's connector, or multimaster's HTTP data API (the pages only).
 */
interface Side extends AutoCloseable {

    /** The name in reports: {@code multimaster}, {@code floor}, {@code buildbot} or {@code http}. */
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

    /** One call of a batch: the operation on one master or name. */
    @FunctionalInterface
    interface Call {
        void run(Operation op, long id, String name) throws Exception;
    }

    /** Runs {@code call} for each master and name of the batch, one after the other; each call's wall time. */
    static long[] timeEach(Workload.Batch batch, Call call) throws Exception {
        long[] nanos = new long[batch.size()];
        for (int i = 0; i < nanos.length; i++) {
            long id = batch.ids().get(i);
            String name = batch.names().get(i);
            long start = System.nanoTime();
            call.run(batch.op(), id, name);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }
}
