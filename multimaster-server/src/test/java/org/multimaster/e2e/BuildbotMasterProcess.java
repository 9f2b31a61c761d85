package org.multimaster.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real Buildbot 3.7 master: a directory made by {@code buildbot create-master} on a shared
 * database, with the test's {@code master.cfg} (resource {@code /e2e/master.cfg}: {@code
 * multiMaster}, builder {@code slow} with one long shell step, worker {@link #WORKER} allowed, PB on a
 * free port) and Buildbot's timings shortened, run by {@code buildbot start --nodaemon}.
 *
 * <p>Buildbot checks in every 60 s, expires a master after 10 minutes and polls for free schedulers
 * every 5 minutes, all hard-coded. The check-in interval is the {@code step} of the master's {@code
 * masterHeartbeatService} (a Twisted {@code TimerService}, which reads it when it starts, after the
 * configuration is loaded), so {@code buildbot.tac} sets it right after creating the master; the
 * other two are assigned in {@code master.cfg}.
 *
 * <p>Not thread-safe.
 */
final class BuildbotMasterProcess implements AutoCloseable {

    /** The one worker every master accepts, and its password. */
    static final String WORKER = "e2e-worker";

    static final String PASSWORD = "e2e-password";

    private static final Pattern PB_PORT = Pattern.compile("PBServerFactory starting on (\\d+)");
    private static final Pattern RUNNING = Pattern.compile("(BuildMaster is running)");

    /**
     * Buildbot's timings for one master.
     *
     * @param heartbeat how often the master checks in and expires others (whole seconds or more)
     * @param expiry how long a silent master lives before this one expires it
     * @param claimPoll how often the master tries to claim a scheduler another master runs
     * @param runsScheduler whether the master runs the Periodic scheduler that requests one build at start
     */
    record Settings(Duration heartbeat, Duration expiry, Duration claimPoll, boolean runsScheduler) {}

    private final BuildbotInstallation buildbot;
    private final Path basedir;
    private TwistdProcess process;

    private BuildbotMasterProcess(BuildbotInstallation buildbot, Path basedir) {
        this.buildbot = buildbot;
        this.basedir = basedir;
    }

    /**
     * Runs {@code buildbot create-master --db=DB_URL BASEDIR} (which creates Buildbot's schema, or
     * leaves an up-to-date one as it is), then writes the test's configuration into it.
     */
    static BuildbotMasterProcess create(BuildbotInstallation buildbot, Path basedir, String dbUrl, Settings settings)
            throws IOException {
        Path dir = basedir.toAbsolutePath();
        Files.createDirectories(dir.getParent());
        buildbot.runOrFail(buildbot.buildbot("create-master", "--db=" + dbUrl, dir.toString()), dir.getParent());
        Files.writeString(dir.resolve("master.cfg"), masterCfg(dbUrl, settings), StandardCharsets.UTF_8);
        Path tac = dir.resolve("buildbot.tac");
        String generated = Files.readString(tac, StandardCharsets.UTF_8);
        if (!generated.contains("\nm = BuildMaster(")) {
            throw new AssertionError(
                    "buildbot create-master wrote a buildbot.tac without 'm = BuildMaster(':\n" + generated);
        }
        // TimerService.startService reads step, and the master starts that service only after
        // loading its configuration, so setting it here, before twistd starts anything, is in time.
        Files.writeString(
                tac,
                "\n# multimaster e2e: check in every " + settings.heartbeat().toSeconds() + " s instead of 60 s\n"
                        + "m.masterHeartbeatService.step = "
                        + settings.heartbeat().toSeconds() + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        return new BuildbotMasterProcess(buildbot, dir);
    }

    private static String masterCfg(String dbUrl, Settings settings) throws IOException {
        String template;
        try (InputStream in = BuildbotMasterProcess.class.getResourceAsStream("/e2e/master.cfg")) {
            if (in == null) {
                throw new IllegalStateException("test resource /e2e/master.cfg is missing");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> values = Map.of(
                "@DB_URL@", python(dbUrl),
                "@EXPIRE_SECONDS@", Long.toString(settings.expiry().toSeconds()),
                "@POLL_SECONDS@", Long.toString(settings.claimPoll().toSeconds()),
                "@RUNS_SCHEDULER@", settings.runsScheduler() ? "True" : "False",
                "@WORKER@", python(WORKER),
                "@PASSWORD@", python(PASSWORD));
        for (Map.Entry<String, String> value : values.entrySet()) {
            template = template.replace(value.getKey(), value.getValue());
        }
        return template;
    }

    /** A Python string literal of {@code s}. */
    private static String python(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The master's base directory; Buildbot names the master {@code HOSTNAME:BASEDIR}. */
    Path basedir() {
        return basedir;
    }

    /** Starts the master and waits until it runs (configured, PB listening, checked in). */
    void start(Duration timeout) throws IOException, InterruptedException {
        process = TwistdProcess.start(
                buildbot,
                "Buildbot master " + basedir.getFileName(),
                basedir,
                buildbot.buildbot("start", "--nodaemon", basedir.toString()));
        FailoverContract.await(this + " to run", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError(this + " exited while starting:\n" + startupOutput());
            }
            return logged(RUNNING);
        });
    }

    /** The port on which the master listens for workers (picked by the kernel). */
    int pbPort() throws IOException {
        return Integer.parseInt(process()
                .find(PB_PORT)
                .orElseThrow(() -> new AssertionError(this + " logged no PB port:\n" + startupOutput())));
    }

    /** The running process. */
    TwistdProcess process() {
        if (process == null) {
            throw new IllegalStateException(this + " was not started");
        }
        return process;
    }

    private boolean logged(Pattern pattern) {
        try {
            return process().find(pattern).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String startupOutput() {
        try {
            Path console = basedir.resolve("console.log");
            return (Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "")
                    + String.join("\n", process().log());
        } catch (IOException e) {
            return "(cannot read the logs: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return "Buildbot master " + basedir;
    }
}
