package org.multimaster.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of this machine's own installation (Debian's {@code pg_createcluster}), on a
 * free port, created for one test and dropped after it: a primary, or a streaming standby of one
 * ({@code pg_basebackup}). Needs root, as CI runs. Not thread-safe.
 */
final class PostgresCluster implements AutoCloseable {

    private final String version;
    private final String name;
    private final int port;
    private final Path dir;

    private PostgresCluster(String version, String name, int port, Path dir) {
        this.version = version;
        this.name = name;
        this.port = port;
        this.dir = dir;
    }

    /** Why clusters cannot be made here, or null if they can. */
    static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "creating PostgreSQL clusters needs root (CI runs as root)";
        }
        if (!Files.isExecutable(Path.of("/usr/bin/pg_createcluster"))) {
            return "pg_createcluster is not installed (Debian's postgresql-common)";
        }
        return null;
    }

    /** Creates and starts a primary on a free port; the output of the commands goes to {@code dir}. */
    static PostgresCluster primary(String name, Path dir) throws IOException, InterruptedException {
        PostgresCluster cluster = create(name, dir);
        cluster.ctl("start");
        return cluster;
    }

    /** Creates a streaming standby of {@code primary} from a base backup, and starts it. */
    static PostgresCluster standbyOf(PostgresCluster primary, String name, Path dir)
            throws IOException, InterruptedException {
        PostgresCluster cluster = create(name, dir);
        Path data = Path.of("/var/lib/postgresql", cluster.version, name);
        run(dir, "sh", "-c", "rm -rf '" + data + "'/*");
        run(
                dir,
                "runuser",
                "-u",
                "postgres",
                "--",
                "/usr/lib/postgresql/" + cluster.version + "/bin/pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(primary.port),
                "-U",
                "postgres",
                "-D",
                data.toString(),
                "-X",
                "stream",
                "-R");
        cluster.ctl("start");
        return cluster;
    }

    private static PostgresCluster create(String name, Path dir) throws IOException, InterruptedException {
        String version = installedVersion();
        int port = freePort();
        run(dir, "pg_dropcluster", "--stop", version, name); // a leftover of an aborted run, if any
        // The server's own log stays in /var/log/postgresql, where the postgres user may write.
        run(dir, "pg_createcluster", "-p", Integer.toString(port), version, name, "--", "--auth=trust");
        return new PostgresCluster(version, name, port, dir);
    }

    int port() {
        return port;
    }

    /** Stops the server as an operator would for a failover (fast: sessions are cut, WAL is flushed). */
    void stop() throws IOException, InterruptedException {
        ctl("stop", "-m", "fast");
    }

    /** Promotes this standby to primary and waits until it accepts writes. */
    void promote() throws IOException, InterruptedException {
        ctl("promote");
    }

    private void ctl(String... action) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, name));
        command.addAll(List.of(action));
        run(dir, command.toArray(String[]::new));
    }

    /** Stops and drops the cluster, data and configuration; idempotent. */
    @Override
    public void close() throws IOException, InterruptedException {
        run(dir, "pg_dropcluster", "--stop", version, name);
    }

    private static String installedVersion() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(p -> p.getFileName().toString())
                    .filter(v -> v.matches("[0-9]+"))
                    .max(Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow(() -> new IOException("no PostgreSQL under /usr/lib/postgresql"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs a command, its output appended to {@code dir}/clusters.log; fails on a non-zero exit. */
    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Path output = dir.resolve("clusters.log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish; see " + output);
        }
        boolean dropOfMissing = command[0].equals("pg_dropcluster");
        if (process.exitValue() != 0 && !dropOfMissing) {
            throw new IOException(String.join(" ", command) + " failed with exit " + process.exitValue() + ": "
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " cluster " + name + " on port " + port;
    }
}
