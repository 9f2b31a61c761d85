package org.multimaster.interop;

import static org.multimaster.db.testing.TestEnvironment.env;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.multimaster.db.testing.TestEnvironment;

/**
 * Real Buildbot 3.7, driven from tests: {@code buildbot create-master} to let Buildbot create a
 * database, and {@code buildbot_masters.py} (a helper of ours, in the test resources) to call
 * Buildbot's own masters DB connector ({@code master.db.masters}) on it.
 *
 * <p>Buildbot comes from the Debian package {@code buildbot}, whose Python is {@code /usr/bin/python3}
 * (override with {@code MULTIMASTER_BUILDBOT} and {@code MULTIMASTER_BUILDBOT_PYTHON}). Outside CI a
 * missing Buildbot skips the calling test; with {@code CI=true} it fails it.
 *
 * <p>Not thread-safe; one instance per test class.
 */
final class Buildbot {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Whether Buildbot's Python can import a module; asked once per run, not per test class. */
    private static final Map<String, Boolean> IMPORTABLE = new ConcurrentHashMap<>();

    private final Path buildbot = Path.of(env("MULTIMASTER_BUILDBOT", "/usr/bin/buildbot"));
    private final Path python = Path.of(env("MULTIMASTER_BUILDBOT_PYTHON", "/usr/bin/python3"));
    private final Path workDir;
    private Path script;

    /**
     * A Buildbot whose helper files go to {@code workDir}; skips (or, in CI, fails) the calling test
     * if Buildbot is not installed.
     */
    static Buildbot require(Path workDir) {
        Buildbot b = new Buildbot(workDir);
        String how = "install the Debian package buildbot (see .ci/run) to run the Buildbot interoperability tests";
        TestEnvironment.require(Files.isExecutable(b.buildbot), b.buildbot + " is missing; " + how);
        TestEnvironment.require(b.canImport("buildbot.db.connector"), b.python + " cannot import buildbot; " + how);
        return b;
    }

    private Buildbot(Path workDir) {
        this.workDir = workDir;
    }

    /**
     * Skips (or, in CI, fails) the calling test if Buildbot's Python cannot import {@code module},
     * a database driver that Buildbot needs for a backend.
     */
    void requireDriver(String module, String debianPackage) {
        TestEnvironment.require(
                canImport(module),
                python + " cannot import " + module + "; install the Debian package " + debianPackage
                        + " (see .ci/run) to run this suite");
    }

    /** Runs {@code buildbot create-master --db=dbUrl basedir}, which creates Buildbot's schema. */
    void createMaster(Path basedir, String dbUrl) {
        Result result = run(List.of(buildbot.toString(), "create-master", "--db=" + dbUrl, basedir.toString()), "");
        if (result.exitCode() != 0) {
            throw new AssertionError("buildbot create-master failed (exit " + result.exitCode() + "):\n"
                    + result.stdout() + result.stderr());
        }
    }

    /**
     * Runs {@code buildbot upgrade-master} on {@code basedir}, after writing there the smallest
     * master directory Buildbot accepts ({@code buildbot.tac} and a {@code master.cfg} on {@code
     * dbUrl}). Besides migrating, upgrade-master marks every master active long ago.
     */
    void upgradeMaster(Path basedir, String dbUrl) {
        copyResource("buildbot.tac", basedir);
        copyResource("master.cfg", basedir);
        Result result = run(
                List.of(buildbot.toString(), "upgrade-master", basedir.toString()),
                "",
                Map.of("BUILDBOT_DB_URL", dbUrl));
        if (result.exitCode() != 0 || !result.stdout().contains("upgrade complete")) {
            throw new AssertionError("buildbot upgrade-master failed (exit " + result.exitCode() + "):\n"
                    + result.stdout() + result.stderr());
        }
    }

    /** Files of the stand-in for buildbot-www (see {@code interop/www}), relative to that folder. */
    private static final List<String> WWW_STAND_IN = List.of(
            "mm_buildbot_www/__init__.py",
            "mm_buildbot_www/VERSION",
            "mm_buildbot_www/static/index.html",
            "mm_buildbot_www-1.0.dist-info/METADATA",
            "mm_buildbot_www-1.0.dist-info/entry_points.txt");

    private static final java.util.regex.Pattern SITE_PORT =
            java.util.regex.Pattern.compile("BuildbotSite starting on (\\d+)");

    /**
     * Starts a real Buildbot master ({@code buildbot start --nodaemon}) in {@code basedir} on a
     * database that {@link #createMaster} prepared, serving its REST API on a free loopback port.
     * Debian has no {@code buildbot-www}, without which Buildbot serves no API; a stand-in plugin
     * with no user interface, on the master's {@code PYTHONPATH}, takes its place.
     *
     * @return the running master; close it to stop it
     * @throws AssertionError if it does not start within 90 s
     */
    RunningMaster startMaster(Path basedir, String dbUrl) {
        Path plugin = workDir.resolve("www-stand-in");
        for (String file : WWW_STAND_IN) {
            copyResource(
                    "www/" + file,
                    plugin.resolve(file).getParent(),
                    plugin.resolve(file).getFileName().toString());
        }
        copyResource("buildbot.tac", basedir);
        copyResource("master-www.cfg", basedir, "master.cfg");
        try {
            Files.deleteIfExists(basedir.resolve("twistd.log"));
            ProcessBuilder builder = new ProcessBuilder(buildbot.toString(), "start", "--nodaemon", basedir.toString())
                    .directory(basedir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(basedir.resolve("console.log").toFile());
            builder.environment().remove("PYTHONHOME");
            builder.environment().put("PYTHONPATH", plugin.toString());
            builder.environment().put("BUILDBOT_DB_URL", dbUrl);
            Process process = builder.start();
            RunningMaster master = new RunningMaster(process, basedir);
            master.awaitStarted();
            return master;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Buildbot master process serving its REST API. Not thread-safe. */
    static final class RunningMaster implements AutoCloseable {
        private final Process process;
        private final Path basedir;
        private int webPort;

        private RunningMaster(Process process, Path basedir) {
            this.process = process;
            this.basedir = basedir;
        }

        /** The port of Buildbot's web server: its API is at {@code http://127.0.0.1:PORT/api/v2}. */
        int webPort() {
            return webPort;
        }

        /** Buildbot's log so far. */
        String log() {
            try {
                Path log = basedir.resolve("twistd.log");
                return (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "")
                        + Files.readString(basedir.resolve("console.log"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void awaitStarted() {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                String log = log();
                java.util.regex.Matcher port = SITE_PORT.matcher(log);
                if (log.contains("BuildMaster is running") && port.find()) {
                    webPort = Integer.parseInt(port.group(1));
                    return;
                }
                if (!process.isAlive() || log.contains("BuildMaster startup failed")) {
                    close();
                    throw new AssertionError("Buildbot master did not start:\n" + log);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while Buildbot starts", e);
                }
            }
            close();
            throw new AssertionError("Buildbot master did not start within " + TIMEOUT + ":\n" + log());
        }

        /** Stops the master (SIGTERM, then SIGKILL after 30 s). */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs operations through Buildbot's masters connector and fails the test if Buildbot fails.
     *
     * @param dbUrl Buildbot's {@code db_url}
     * @param now the time Buildbot's connector takes as now
     * @param operations the operations, in order
     * @return what Buildbot returned, and the table as Buildbot reads it afterwards
     */
    Session call(String dbUrl, Instant now, Operations operations) {
        return call(dbUrl, now, true, operations);
    }

    /**
     * Like {@link #call(String, Instant, Operations)}; without {@code versionCheck}, Buildbot opens a
     * schema that its own migrations did not stamp (as upgrade-master does before it upgrades).
     */
    Session call(String dbUrl, Instant now, boolean versionCheck, Operations operations) {
        Result result = callRaw(dbUrl, now, versionCheck, operations);
        if (result.exitCode() != 0) {
            throw new AssertionError("Buildbot's masters connector failed (exit " + result.exitCode() + "):\n"
                    + result.stderr() + result.stdout());
        }
        return Session.parse(result.stdout());
    }

    /** Runs operations and returns the raw outcome, success or not. */
    Result callRaw(String dbUrl, Instant now, boolean versionCheck, Operations operations) {
        List<String> command = new ArrayList<>(List.of(
                python.toString(),
                script().toString(),
                "--db",
                dbUrl,
                "--basedir",
                workDir.toString(),
                "--now",
                String.valueOf(now.getEpochSecond())));
        if (!versionCheck) {
            command.add("--no-version-check");
        }
        return run(command, operations.toJson());
    }

    private boolean canImport(String module) {
        return IMPORTABLE.computeIfAbsent(
                python + " " + module,
                key -> run(List.of(python.toString(), "-c", "import " + module), "")
                                .exitCode()
                        == 0);
    }

    private Path script() {
        if (script == null) {
            script = copyResource("buildbot_masters.py", workDir);
        }
        return script;
    }

    private static Path copyResource(String name, Path dir) {
        return copyResource(name, dir, name);
    }

    private static Path copyResource(String name, Path dir, String as) {
        try (InputStream in = Buildbot.class.getResourceAsStream("/interop/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource /interop/" + name + " is missing");
            }
            Files.createDirectories(dir);
            Path file = dir.resolve(as);
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result run(List<String> command, String stdin) {
        return run(command, stdin, Map.of());
    }

    private Result run(List<String> command, String stdin, Map<String, String> env) {
        try {
            Files.createDirectories(workDir);
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
            builder.environment().putAll(env);
            // Buildbot's Python must not pick up a virtualenv or pyenv of the caller.
            builder.environment().remove("PYTHONPATH");
            builder.environment().remove("PYTHONHOME");
            builder.environment().put("PYTHONIOENCODING", "utf-8");
            Process process = builder.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            return new Result(127, "", String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exit code and output of one process. */
    record Result(int exitCode, String stdout, String stderr) {}

    /** A master as Buildbot's connector returns it ({@code last_active} in epoch seconds). */
    record Master(long id, String name, boolean active, Instant lastActive) {
        static Master of(JsonNode node) {
            return new Master(
                    node.get("id").asLong(),
                    node.get("name").asText(),
                    node.get("active").asBoolean(),
                    Instant.ofEpochSecond(node.get("last_active").asLong()));
        }
    }

    /** A row of the {@code masters} table as Buildbot's engine reads it with plain SQL. */
    record Row(long id, String name, String nameHash, int active, long lastActive) {}

    /**
     * What one run of the helper printed: the result of each operation (ids, booleans, masters or
     * null), then {@code getMasters()} and the raw rows, both read after the last operation.
     */
    record Session(List<JsonNode> results, List<Master> masters, List<Row> rows) {

        static Session parse(String json) {
            try {
                JsonNode root = JSON.readTree(json);
                List<JsonNode> results = new ArrayList<>();
                root.get("results").forEach(results::add);
                List<Master> masters = new ArrayList<>();
                root.get("masters").forEach(m -> masters.add(Master.of(m)));
                List<Row> rows = new ArrayList<>();
                root.get("raw")
                        .forEach(r -> rows.add(new Row(
                                r.get("id").asLong(),
                                r.get("name").asText(),
                                r.get("name_hash").asText(),
                                r.get("active").asInt(),
                                r.get("last_active").asLong())));
                return new Session(results, masters, rows);
            } catch (IOException e) {
                throw new AssertionError("Buildbot helper printed no valid JSON: " + json, e);
            }
        }

        /** The id that operation {@code index} ({@code find}) returned. */
        long id(int index) {
            return results.get(index).asLong();
        }

        /** What operation {@code index} ({@code set}) returned. */
        boolean changed(int index) {
            return results.get(index).asBoolean();
        }

        /** The master that operation {@code index} ({@code get}) returned, or null. */
        Master master(int index) {
            JsonNode node = results.get(index);
            return node.isNull() ? null : Master.of(node);
        }
    }

    /** A list of operations for Buildbot's masters connector, built fluently. */
    static final class Operations {
        private final ArrayNode list = JSON.createArrayNode();

        Operations find(String name) {
            list.addObject().put("op", "find").put("name", name);
            return this;
        }

        Operations set(long id, boolean active) {
            list.addObject().put("op", "set").put("id", id).put("active", active);
            return this;
        }

        /** {@code setMasterState} of the master whose id the {@code find} at {@code findIndex} returned. */
        Operations setFound(int findIndex, boolean active) {
            list.addObject().put("op", "set").put("result", findIndex).put("active", active);
            return this;
        }

        Operations get(long id) {
            list.addObject().put("op", "get").put("id", id);
            return this;
        }

        Operations list() {
            list.addObject().put("op", "list");
            return this;
        }

        /** From the next operation on, Buildbot's connector takes {@code now} as the time. */
        Operations now(Instant now) {
            list.addObject().put("op", "now").put("at", now.getEpochSecond());
            return this;
        }

        String toJson() {
            return list.toString();
        }
    }
}
