package org.multimaster.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real {@code buildbot-worker} 3.7, made by {@code create-worker} and run by {@code start
 * --nodaemon}, connecting to one host and port as {@link BuildbotMasterProcess#WORKER}.
 *
 * <p>How fast it reconnects: {@code create-worker --maxdelay} is accepted but unused in 3.7 (the
 * worker passes it to its connection factory "for backwards compatibility only"); reconnection
 * follows Twisted's default back-off ({@code backoffPolicy()}: 1 s × 1.5<sup>n</sup> plus up to 1 s
 * of jitter, at most 60 s), where n counts the failed attempts since the last connection that was
 * made. A refused connection therefore makes the next attempt wait longer each time, while a
 * connection that is accepted and then closed (as {@link TcpForwarder} does while it points
 * nowhere) keeps the worker retrying every 1.5 to 2.5 s.
 *
 * <p>Not thread-safe.
 */
final class BuildbotWorkerProcess implements AutoCloseable {

    private final TwistdProcess process;

    private BuildbotWorkerProcess(TwistdProcess process) {
        this.process = process;
    }

    /** Creates the worker directory {@code basedir} for the master at 127.0.0.1:{@code port}, and starts it. */
    static BuildbotWorkerProcess start(BuildbotInstallation buildbot, Path basedir, int port) throws IOException {
        Path dir = basedir.toAbsolutePath();
        Files.createDirectories(dir.getParent());
        buildbot.runOrFail(
                buildbot.worker(
                        "create-worker",
                        dir.toString(),
                        "127.0.0.1:" + port,
                        BuildbotMasterProcess.WORKER,
                        BuildbotMasterProcess.PASSWORD),
                dir.getParent());
        return new BuildbotWorkerProcess(TwistdProcess.start(
                buildbot, "buildbot-worker", dir, buildbot.worker("start", "--nodaemon", dir.toString())));
    }

    /** The running process. */
    TwistdProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
