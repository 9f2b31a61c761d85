package org.multimaster.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Buildbot master or worker running in the foreground ({@code start --nodaemon}), so that the
 * process the test started is the Twisted reactor itself and {@code kill -9} kills the real thing.
 * Its own log is {@code twistd.log} in its base directory. Not thread-safe.
 */
final class TwistdProcess implements AutoCloseable {

    /**
     * Twisted logs an exception that nothing handled as "Unhandled Error" (or "Unhandled error in
     * Deferred") followed by a traceback, and an error that a caller logged with its stack as a
     * "Traceback".
     */
    private static final Pattern ERROR = Pattern.compile("Unhandled [Ee]rror|Traceback \\(most recent call last\\)");

    private final String what;
    private final Path basedir;
    private final Process process;

    private TwistdProcess(String what, Path basedir, Process process) {
        this.what = what;
        this.basedir = basedir;
        this.process = process;
    }

    /**
     * Starts {@code command} (a {@code start --nodaemon BASEDIR}) with Buildbot's environment; what
     * it prints before its log is open goes to {@code console.log} in {@code basedir}.
     */
    static TwistdProcess start(BuildbotInstallation buildbot, String what, Path basedir, List<String> command)
            throws IOException {
        Process process = buildbot.processBuilder(command, basedir)
                .redirectErrorStream(true)
                .redirectOutput(basedir.resolve("console.log").toFile())
                .start();
        process.getOutputStream().close();
        return new TwistdProcess(what, basedir, process);
    }

    Path basedir() {
        return basedir;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** A crash: SIGKILL, nothing cleaned up, no last word in the database. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(what + " survived SIGKILL for 10 s");
        }
    }

    /** The lines of {@code twistd.log} so far (none before the process opened it). */
    List<String> log() throws IOException {
        Path log = basedir.resolve("twistd.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    /** The first group of the first log line that {@code pattern} finds, if any. */
    Optional<String> find(Pattern pattern) throws IOException {
        for (String line : log()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** The log lines that report an error ("Unhandled Error", "Traceback"). */
    List<String> errors() throws IOException {
        return log().stream().filter(l -> ERROR.matcher(l).find()).toList();
    }

    /**
     * What each error in the log was, one line per error, in order: the last line of its traceback
     * (the exception, {@code module.Type: message}), without the timestamps and addresses that differ
     * from run to run. Twisted indents a traceback under the line that reports it.
     */
    List<String> errorSummaries() throws IOException {
        List<String> summaries = new ArrayList<>();
        String last = null;
        boolean inError = false;
        for (String line : log()) {
            boolean indented = !line.isEmpty() && Character.isWhitespace(line.charAt(0));
            if (inError && !indented) {
                summaries.add(last == null ? "(no traceback)" : last);
                inError = false;
            }
            if (!inError && ERROR.matcher(line).find()) {
                inError = true;
                last = null;
            } else if (inError && !line.isBlank()) {
                last = line.strip();
            }
        }
        if (inError) {
            summaries.add(last == null ? "(no traceback)" : last);
        }
        return summaries;
    }

    /** Stops the process gracefully (SIGTERM), then by force if it does not exit within 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        Daemon.stop(process, Duration.ofSeconds(20));
    }

    @Override
    public String toString() {
        return what + " (pid " + process.pid() + ", " + basedir + ")";
    }
}
