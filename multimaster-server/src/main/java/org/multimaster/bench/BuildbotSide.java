package org.multimaster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseUrl;

/**
 * Real Buildbot's masters connector, in a Python process of its own ({@code buildbot_bench.py},
 * shipped in the jar), which times each call inside Python: the interpreter's start and Buildbot's
 * imports are never counted. Not thread-safe: Buildbot is measured with one caller.
 */
final class BuildbotSide implements Side {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path workDir;
    private final DatabaseUrl url;
    private final BufferedReader out;
    private final Writer in;
    private String version = "";

    private BuildbotSide(Process process, Path workDir, DatabaseUrl url) {
        this.process = process;
        this.workDir = workDir;
        this.url = url;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Starts the driver under {@code python} and waits until Buildbot's connector is open.
     *
     * @throws BenchException if Python or Buildbot is missing, or Buildbot cannot open the database
     */
    static BuildbotSide start(Path python, DatabaseUrl url) {
        if (!Files.isExecutable(python)) {
            throw new BenchException(python + " is not an executable Python; install the Debian package buildbot"
                    + " (its Python is /usr/bin/python3), pass --python PATH, or --no-buildbot to measure without it");
        }
        try {
            Path dir = Files.createTempDirectory("multimaster-bench-buildbot");
            Path script = dir.resolve("buildbot_bench.py");
            try (InputStream resource = BuildbotSide.class.getResourceAsStream("buildbot_bench.py")) {
                if (resource == null) {
                    throw new IllegalStateException("buildbot_bench.py is missing from the jar");
                }
                Files.copy(resource, script);
            }
            ProcessBuilder builder = new ProcessBuilder(
                            python.toString(), script.toString(), "--basedir", dir.toString())
                    .redirectError(dir.resolve("stderr.txt").toFile());
            // The URL may hold a password: the environment keeps it out of the process list.
            builder.environment().put("MULTIMASTER_BENCH_DB_URL", sqlAlchemyUrl(url));
            BuildbotSide side = new BuildbotSide(builder.start(), dir, url);
            try {
                side.version = side.readReply("open Buildbot's connector")
                        .path("buildbot")
                        .asText();
            } catch (RuntimeException e) {
                side.close();
                throw e;
            }
            return side;
        } catch (IOException e) {
            throw new BenchException("cannot start Buildbot's connector under " + python + ": " + e.getMessage(), e);
        }
    }

    /** Buildbot's version, as the driver reported it. */
    String version() {
        return version;
    }

    @Override
    public String name() {
        return "buildbot";
    }

    @Override
    public boolean supports(Operation op) {
        return op.inBuildbot();
    }

    @Override
    public long[] run(Workload.Batch batch) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        int count = batch.size();
        switch (batch.op()) {
            case FIND_EXISTING, FIND_NEW -> {
                request.put("op", "find");
                ArrayNode names = request.putArray("names");
                batch.names().forEach(names::add);
            }
            case CHECK_IN, ACTIVATE, DEACTIVATE -> {
                request.put("op", "set").put("active", batch.op() != Operation.DEACTIVATE);
                ArrayNode ids = request.putArray("ids");
                batch.ids().forEach(ids::add);
            }
            case GET_MASTER -> {
                request.put("op", "get");
                ArrayNode ids = request.putArray("ids");
                batch.ids().forEach(ids::add);
            }
            case GET_MASTERS -> request.put("op", "list").put("count", count);
            case PAGE_ACTIVE -> {
                request.put("op", "page").put("count", count).put("limit", 50);
                request.putArray("filters")
                        .addArray()
                        .add("active")
                        .add("eq")
                        .addArray()
                        .add(true);
                request.putArray("order").add("-last_active");
            }
            case PAGE_BY_NAME -> {
                request.put("op", "page").put("count", count).put("limit", 50);
                request.putArray("order").add("name");
            }
            case LONG_AGO -> request.put("op", "long_ago").put("count", count);
            case SWEEP -> request.put("op", "sweep").put("count", count);
            case PRUNE -> throw new IllegalArgumentException("Buildbot has no pruneMasters");
        }
        in.write(request + "\n");
        in.flush();
        JsonNode reply = readReply(batch.op().description());
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            nanos[i] = reply.get("nanos").get(i).asLong();
        }
        return nanos;
    }

    private JsonNode readReply(String what) throws IOException {
        String line = out.readLine();
        if (line == null) {
            throw new BenchException("Buildbot's connector exited during '" + what + "': " + stderrTail());
        }
        JsonNode reply = JSON.readTree(line);
        if (reply.has("error")) {
            throw new BenchException("Buildbot's connector failed in '" + what + "': "
                    + reply.get("error").asText());
        }
        return reply;
    }

    private String stderrTail() {
        try {
            String err = Files.readString(workDir.resolve("stderr.txt"));
            String tail = err.length() > 2000 ? err.substring(err.length() - 2000) : err;
            // The database's password, and those of any URL that the output begins with or holds.
            return url.hidePasswordIn(DatabaseUrl.redact(tail.strip()));
        } catch (IOException e) {
            return "(no error output)";
        }
    }

    /** The URL in SQLAlchemy's form, with the driver Buildbot uses on Debian. */
    static String sqlAlchemyUrl(DatabaseUrl url) {
        String jdbc = url.jdbcUrl();
        return switch (url.kind()) {
            case SQLITE -> {
                String path = jdbc.substring("jdbc:sqlite:".length());
                int query = path.indexOf('?');
                path = query < 0 ? path : path.substring(0, query);
                if (path.startsWith("file:")) {
                    path = path.substring("file:".length());
                }
                yield "sqlite:///" + Path.of(path).toAbsolutePath().normalize();
            }
            case POSTGRESQL -> "postgresql://" + credentials(url) + hostAndDatabase(jdbc);
            case MYSQL -> "mysql+pymysql://" + credentials(url) + hostAndDatabase(jdbc);
        };
    }

    private static String hostAndDatabase(String jdbc) {
        URI uri = URI.create(jdbc.substring("jdbc:".length()));
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        return host + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getRawPath();
    }

    private static String credentials(DatabaseUrl url) {
        @Nullable String user = url.user().orElse(null);
        if (user == null) {
            return "";
        }
        return encode(user) + url.password().map(p -> ":" + encode(p)).orElse("") + "@";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        try {
            in.write("{\"op\": \"quit\"}\n");
            in.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
