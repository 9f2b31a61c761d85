package org.multimaster.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One {@code bin/multimaster run} process, its log captured to a file, with the signals an operator
 * (or a crash) sends it. Not thread-safe.
 */
final class Daemon implements AutoCloseable {

    /** The daemons started and not yet closed, whose logs a failed wait reports. */
    private static final Set<Daemon> OPEN = ConcurrentHashMap.newKeySet();

    private final String name;
    private final Process process;
    private final Path log;

    private Daemon(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Locates the checkout's root (where {@code bin/multimaster} is) from the test's working directory. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("bin/multimaster"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "bin/multimaster not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /**
     * Starts {@code bin/multimaster run --db URL --name NAME ARGS…} in {@code workDir}. Unless the
     * arguments say otherwise, it serves HTTP on a free loopback port ({@code --http 127.0.0.1:0}),
     * so that several daemons on one host never collide; {@link #httpPort()} tells which.
     */
    static Daemon start(Path workDir, String url, String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("run", "--db", url, "--name", name));
        command.addAll(args);
        if (!args.contains("--http") && !args.contains("--no-http")) {
            command.addAll(List.of("--http", "127.0.0.1:0"));
        }
        return command(workDir, name, command);
    }

    /** Starts {@code bin/multimaster ARGS…} in {@code workDir}, its output logged as {@code name}. */
    static Daemon command(Path workDir, String name, List<String> args) throws IOException {
        return command(workDir, name, args, Map.of());
    }

    /** As {@link #command(Path, String, List)}, with {@code environment} added to this process's. */
    static Daemon command(Path workDir, String name, List<String> args, Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>(
                List.of(repositoryRoot().resolve("bin/multimaster").toString()));
        command.addAll(args);
        Files.createDirectories(workDir);
        Path log = workDir.resolve(name.replaceAll("[^A-Za-z0-9_-]", "_") + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        Daemon daemon = new Daemon(name, process, log);
        OPEN.add(daemon);
        return daemon;
    }

    private static final Pattern SERVING = Pattern.compile("serving the data API.* on http://[^ ]*:(\\d+)/");

    /**
     * The HTTP port the daemon printed when it started serving; waits up to a minute for it.
     *
     * @throws IllegalStateException if the daemon exits or does not serve within a minute
     */
    int httpPort() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : log()) {
                java.util.regex.Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(this + " exited (" + process.exitValue() + ") before serving HTTP: "
                        + String.join("\n", log()));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(this + " did not serve HTTP within a minute");
    }

    /** The exit code, once the process has exited. */
    int exitCode() {
        return process.exitValue();
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** A crash: SIGKILL, no chance to clean up. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** A graceful stop request: SIGTERM. */
    void terminate() {
        process.destroy();
    }

    /** Ctrl-C: SIGINT. */
    void interrupt() throws IOException, InterruptedException {
        signal("INT");
    }

    /** The exit code; the process must have exited. */
    int exitValue() {
        return process.exitValue();
    }

    boolean waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Freezes the process (a long GC pause, a suspended VM). */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Thaws a paused process. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
        }
    }

    /** The lines of the log so far. */
    List<String> log() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    /**
     * {@code failure} with, appended to its message, the state and the end of the log of each daemon
     * started and not yet closed: what a failed wait in CI needs to be understood once the temporary
     * directory is gone.
     */
    static AssertionError withLogs(AssertionError failure) {
        StringBuilder message = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Daemon daemon : List.copyOf(OPEN)) {
            message.append("\n--- ")
                    .append(daemon.name())
                    .append(daemon.isAlive() ? " (running)" : " (exited with " + daemon.exitCode() + ")")
                    .append(", the end of its log:");
            try {
                List<String> lines = daemon.log();
                lines.subList(Math.max(0, lines.size() - 40), lines.size())
                        .forEach(line -> message.append("\n").append(line));
            } catch (IOException e) {
                message.append("\n(cannot read ")
                        .append(daemon.log)
                        .append(": ")
                        .append(e)
                        .append(")");
            }
        }
        AssertionError diagnosed = new AssertionError(message.toString(), failure.getCause());
        diagnosed.setStackTrace(failure.getStackTrace());
        return diagnosed;
    }

    /** Waits (at most {@link FailoverContract#STARTUP}) until the log says this master started. */
    void awaitStarted() throws InterruptedException {
        Pattern started = Pattern.compile("\\('" + Pattern.quote(name) + "'\\) started: heartbeat");
        FailoverContract.await("master " + name + " to start", FailoverContract.STARTUP, () -> {
            try {
                return log().stream().anyMatch(line -> started.matcher(line).find());
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** How many log lines so far match {@code regex}. */
    long count(String regex) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        return log().stream().filter(l -> pattern.matcher(l).find()).count();
    }

    @Override
    public void close() {
        OPEN.remove(this);
        if (process.isAlive()) {
            try {
                signal("CONT"); // a paused process cannot handle SIGTERM
            } catch (IOException | RuntimeException | InterruptedException e) {
                // it may have exited meanwhile
            }
            stop(process, Duration.ofSeconds(10));
        }
    }

    /** SIGTERM, then SIGKILL if {@code process} has not exited within {@code grace}. */
    static void stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
