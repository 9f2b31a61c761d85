package org.multimaster.e2e;

import static org.multimaster.db.testing.TestEnvironment.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.multimaster.db.testing.TestEnvironment;

/**
 * The installed Buildbot 3.7: {@code buildbot}, {@code buildbot-worker} and their Python, as the
 * Debian packages {@code buildbot} and {@code buildbot-worker} install them (override with {@code
 * MULTIMASTER_BUILDBOT}, {@code MULTIMASTER_BUILDBOT_WORKER} and {@code MULTIMASTER_BUILDBOT_PYTHON}).
 * Outside CI a missing piece skips the calling test with a message that says what to install; with
 * {@code CI=true} it fails it.
 *
 * <p>Every Buildbot process gets a small fixed environment, not the test's: a worker writes its
 * whole environment into its log, and a virtualenv of the caller must not change Buildbot's Python.
 *
 * <p>Immutable and thread-safe.
 */
final class BuildbotInstallation {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "PATH", "/usr/local/bin:/usr/bin:/bin",
            "LANG", "C.UTF-8",
            "PYTHONIOENCODING", "utf-8");

    private final Path buildbot;
    private final Path worker;
    private final Path python;

    private BuildbotInstallation(Path buildbot, Path worker, Path python) {
        this.buildbot = buildbot;
        this.worker = worker;
        this.python = python;
    }

    /** The installation; skips (or, in CI, fails) the calling test if a part of it is missing. */
    static BuildbotInstallation require() {
        BuildbotInstallation b = new BuildbotInstallation(
                Path.of(env("MULTIMASTER_BUILDBOT", "/usr/bin/buildbot")),
                Path.of(env("MULTIMASTER_BUILDBOT_WORKER", "/usr/bin/buildbot-worker")),
                Path.of(env("MULTIMASTER_BUILDBOT_PYTHON", "/usr/bin/python3")));
        TestEnvironment.require(Files.isExecutable(b.buildbot), b.buildbot + " is missing; " + install("buildbot"));
        TestEnvironment.require(Files.isExecutable(b.worker), b.worker + " is missing; " + install("buildbot-worker"));
        b.requireModule("buildbot.master", "buildbot");
        b.requireModule("buildbot_worker.bot", "buildbot-worker");
        return b;
    }

    /**
     * Skips (or, in CI, fails) the calling test if Buildbot's Python cannot import {@code module}
     * (a database driver), naming the Debian package that provides it.
     */
    void requireModule(String module, String debianPackage) {
        boolean importable;
        try {
            importable = run(List.of(python.toString(), "-c", "import " + module), Path.of("."))
                            .exitCode()
                    == 0;
        } catch (IOException e) {
            importable = false;
        }
        TestEnvironment.require(importable, python + " cannot import " + module + "; " + install(debianPackage));
    }

    /** {@code buildbot ARGS…}. */
    List<String> buildbot(String... args) {
        return command(buildbot, args);
    }

    /** {@code buildbot-worker ARGS…}. */
    List<String> worker(String... args) {
        return command(worker, args);
    }

    /** A process builder for {@code command} in {@code dir}, with Buildbot's fixed environment. */
    ProcessBuilder processBuilder(List<String> command, Path dir) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(ENVIRONMENT);
        builder.environment().put("HOME", dir.toAbsolutePath().toString());
        return builder;
    }

    /** Runs {@code command} in {@code dir} to its end and fails the test if it fails. */
    String runOrFail(List<String> command, Path dir) throws IOException {
        Result result = run(command, dir);
        if (result.exitCode() != 0) {
            throw new AssertionError(
                    String.join(" ", command) + " failed (exit " + result.exitCode() + "):\n" + result.output());
        }
        return result.output();
    }

    private Result run(List<String> command, Path dir) throws IOException {
        Process process = processBuilder(command, dir).redirectErrorStream(true).start();
        process.getOutputStream().close();
        try {
            // The output is small (a few lines); reading it to the end also waits for the exit.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
            }
            return new Result(process.exitValue(), output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    private static List<String> command(Path executable, String... args) {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static String install(String debianPackage) {
        return "install the Debian package " + debianPackage + " (see .ci/run) to run the Buildbot end-to-end tests";
    }

    private record Result(int exitCode, String output) {}
}
