package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multimaster.e2e.FailoverContract.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.testing.RawSql;
import org.multimaster.db.testing.TestDatabase;

/**
 * A cluster of real Buildbot 3.7 masters, a real {@code buildbot-worker} and {@code bin/multimaster
 * run} on one database: when the Buildbot master running a build is killed, the build must end as if
 * a Buildbot master had expired the dead one, and another master must build the request again.
 *
 * <p>The scenario runs twice, each time on a fresh database with Buildbot masters A and B ({@code
 * multiMaster}, builder {@code slow} with one long shell step; only A runs the scheduler that requests
 * one build at start) and a worker that reaches A through a {@link TcpForwarder} standing in for a
 * load balancer. Once the worker runs the build on A, A gets {@code kill -9} and the forwarder points
 * nowhere.
 *
 * <ol>
 *   <li>Control run, Buildbot alone: B expires A (after {@link #BUILDBOT_EXPIRY}) and ends A's build,
 *       its running step and that step's log (RETRY, {@code complete_at} set, log complete). Buildbot
 *       3.7 leaves A's claim on the request: its {@code unclaimBuildRequests} deletes only claims of
 *       the master that runs it, so the request waits for A to come back.
 *   <li>With multimaster ({@link #MULTIMASTER_EXPIRY}, shorter than B's): multimaster expires A, and
 *       the build, steps and logs end exactly as in the control run; A's claim is released, the
 *       request stays incomplete; once the forwarder sends the worker to B, B builds the request again.
 * </ol>
 *
 * <p>Why the worker moving to B is what makes B build the request again: Buildbot has no periodic
 * look for unclaimed requests. A master's build request distributor runs only on events of its own
 * process (a worker attaching, a build finishing, a new or unclaimed request announced on its
 * message queue, which by default is in-process, a reconfiguration); a claim that multimaster deletes
 * in the database announces nothing. The worker, reconnecting after A's death, attaches to B, and that runs B's distributor.
 *
 * <p>B's and the worker's logs stay free of errors, except for the ones the worker logs in the control
 * run too when its master dies mid-step (buildbot-worker 3.7 then tries to send the interrupted
 * command's last output to the lost master); multimaster logs no ERROR.
 */
abstract class BuildbotClusterContract {

    /** Every Buildbot master checks in this often (Buildbot: 60 s). */
    static final Duration BUILDBOT_HEARTBEAT = Duration.ofSeconds(1);
    /** A Buildbot master expires a peer silent this long (Buildbot: 10 minutes). */
    static final Duration BUILDBOT_EXPIRY = Duration.ofSeconds(15);
    /** A Buildbot master tries to claim a free scheduler this often (Buildbot: 5 minutes). */
    static final Duration BUILDBOT_CLAIM_POLL = Duration.ofSeconds(1);

    static final Duration MULTIMASTER_HEARTBEAT = Duration.ofSeconds(1);
    /** Shorter than {@link #BUILDBOT_EXPIRY}, so that multimaster, not B, expires A. */
    static final Duration MULTIMASTER_EXPIRY = Duration.ofSeconds(5);

    /** Starting a master or a JVM, or a worker connecting, on a slow shared machine. */
    static final Duration STARTUP = Duration.ofSeconds(60);
    /** The longest an expiry plus its housekeeping may take here, with room for a loaded machine. */
    static final Duration AFTER_KILL = BUILDBOT_EXPIRY.plusSeconds(45);

    /** Buildbot's result code RETRY. */
    static final long RETRY = 5;

    @TempDir
    Path dir;

    BuildbotInstallation buildbot;
    final List<Cluster> clusters = new ArrayList<>();

    /** The test database in {@code dir} (SQLite) or on the local server. */
    abstract TestDatabase database(Path dir);

    /** The {@code db_url} of {@code database} as written in a {@code master.cfg}. */
    abstract String buildbotUrl(TestDatabase database);

    /**
     * The {@code db_url} of a server's test database, whose JDBC URL names the host (and maybe the
     * port), for {@code user} without a password.
     */
    static String serverUrl(TestDatabase database, String scheme, String user, int defaultPort) {
        URI server = URI.create(database.url().substring("jdbc:".length()));
        int port = server.getPort() < 0 ? defaultPort : server.getPort();
        return scheme + "://" + user + "@" + server.getHost() + ":" + port + "/" + database.name();
    }

    /** Skips (or fails in CI) if Buildbot lacks the Python driver of this database. */
    void requireDriver(BuildbotInstallation buildbot) {}

    @BeforeEach
    void requireBuildbot() {
        buildbot = BuildbotInstallation.require();
        requireDriver(buildbot);
    }

    @AfterEach
    void stopEverything() {
        for (Cluster cluster : clusters) {
            cluster.close();
        }
    }

    @Test
    void shouldEndTheBuildOfAKilledBuildbotMasterAsBuildbotDoesAndLetAnotherMasterBuildItAgain() throws Exception {
        Control control = controlRun();
        runWithMultimaster(control);
    }

    /** What the control run saw: A's build, its steps and logs as B left them, and the worker's errors. */
    record Control(List<String> finishedState, List<String> workerErrorsWhenItsMasterDies) {}

    /** Buildbot alone: B expires A. */
    private Control controlRun() throws Exception {
        Cluster control = new Cluster(dir.resolve("control"));
        clusters.add(control);
        control.startBuildbot();
        Running controlBuild = control.awaitRunningBuild();

        Instant controlKill = control.killA();
        Duration controlRetry = await(
                "B to end A's build as RETRY", AFTER_KILL, () -> control.buildResults(controlBuild.buildId()) == RETRY);
        Instant controlDone = Instant.now();
        List<String> controlState = control.finishedState(controlBuild.buildId());
        System.out.println("measured " + control.database + " control: kill -9 A -> build RETRY by B in "
                + controlRetry.toMillis() + " ms");

        assertThat(controlState)
                .as("A's build after B expired it")
                .containsExactly(
                        "build slow#1 results=5 complete_at=set",
                        "step 0 worker_preparation results=0 complete_at=set",
                        "step 1 long results=5 complete_at=set",
                        "log long/stdio complete=1");
        control.assertRetriedBetween(controlBuild.buildId(), controlKill, controlDone);
        assertThat(control.b.process().find(housekeepingByBuildbot(control.aId)))
                .as("B did Buildbot's housekeeping of A")
                .isPresent();
        assertThat(control.claimants(controlBuild.requestId()))
                .as("Buildbot 3.7 leaves the dead master's claim: the request cannot be built again until A returns")
                .containsExactly(control.aId);
        assertThat(control.requestComplete(controlBuild.requestId())).isFalse();
        assertThat(control.b.process().errors()).as("errors in B's log").isEmpty();
        List<String> workerErrorsWhenItsMasterDies = control.worker.process().errorSummaries();
        System.out.println("control: the worker logged " + workerErrorsWhenItsMasterDies + " when A died");
        control.close();
        return new Control(controlState, workerErrorsWhenItsMasterDies);
    }

    /** The same with multimaster, which expires A before B would. */
    private void runWithMultimaster(Control control) throws Exception {
        Cluster ours = new Cluster(dir.resolve("multimaster"));
        clusters.add(ours);
        ours.startBuildbot();
        Running build = ours.awaitRunningBuild();
        ours.startMultimaster();

        Instant kill = ours.killA();
        Duration retry = await(
                "multimaster to end A's build as RETRY", AFTER_KILL, () -> ours.buildResults(build.buildId()) == RETRY);
        Instant done = Instant.now();
        System.out.println(
                "measured " + ours.database + " multimaster: kill -9 A -> build RETRY in " + retry.toMillis() + " ms");

        assertThat(ours.finishedState(build.buildId()))
                .as("A's build after multimaster expired it, as after B expired it in the control run")
                .isEqualTo(control.finishedState());
        ours.assertRetriedBetween(build.buildId(), kill, done);
        // The daemon logs the expiry once its transaction has committed, so just after the build is seen.
        await(
                "multimaster to log that it expired A",
                Duration.ofSeconds(10),
                () -> ours.logged("expired master " + ours.aId + " "));
        assertThat(ours.claimants(build.requestId()))
                .as("A's claim is released")
                .isEmpty();
        assertThat(ours.requestComplete(build.requestId()))
                .as("the request is still to be built")
                .isFalse();

        ours.forwarder.forwardTo(ours.b.pbPort());
        Duration rebuilt = await(
                "B to build the request again",
                STARTUP,
                () -> ours.buildsOf(build.requestId()).contains(ours.bId));
        Duration sinceKill = Duration.between(kill, Instant.now());
        System.out.println("measured " + ours.database + " multimaster: forwarder to B -> new build on B in "
                + rebuilt.toMillis() + " ms; kill -9 A -> new build on B in " + sinceKill.toMillis() + " ms");

        assertThat(ours.buildsOf(build.requestId()))
                .as("masters of the builds of the request, in order")
                .containsExactly(ours.aId, ours.bId);
        assertThat(ours.claimants(build.requestId())).containsExactly(ours.bId);

        // B expires A by itself too, once A has been silent for BUILDBOT_EXPIRY; it finds A inactive
        // and must leave it alone, so that A's build is ended once, not twice.
        Duration bExpiresA = BUILDBOT_EXPIRY.plus(BUILDBOT_HEARTBEAT.multipliedBy(3));
        Thread.sleep(Math.max(
                0, Duration.between(Instant.now(), kill.plus(bExpiresA)).toMillis()));
        assertThat(ours.b.process().find(housekeepingByBuildbot(ours.aId)))
                .as("B did no housekeeping of A: multimaster had done it")
                .isEmpty();
        assertThat(ours.finishedState(build.buildId()))
                .as("A's build, after B's own expiry of A has passed")
                .isEqualTo(control.finishedState());
        assertThat(ours.multimaster.count("expired master "))
                .as("masters multimaster expired: A alone, once")
                .isEqualTo(1);
        assertThat(ours.active(ours.bId)).as("B active").isTrue();
        assertThat(ours.b.process().errors()).as("errors in B's log").isEmpty();
        // The worker logs its errors about the lost master seconds after the loss, possibly after it
        // reached B, so they are told apart by kind and count, not by time.
        List<String> unexplained = new ArrayList<>(ours.worker.process().errorSummaries());
        control.workerErrorsWhenItsMasterDies().forEach(unexplained::remove);
        assertThat(unexplained)
                .as("errors in the worker's log beyond those it logs in the control run when its master dies")
                .isEmpty();
        assertThat(ours.multimaster.count(" ERROR "))
                .as("ERROR lines of multimaster")
                .isZero();
        assertThat(ours.b.process().isAlive() && ours.multimaster.isAlive()).isTrue();
    }

    /** The line Buildbot's {@code _masterDeactivatedHousekeeping} logs first. */
    private static Pattern housekeepingByBuildbot(long masterId) {
        return Pattern.compile("(doing housekeeping for master " + masterId + " )");
    }

    /** The build that A runs on the worker, and its request. */
    record Running(long buildId, long requestId) {}

    /** One database with two Buildbot masters, a worker behind a forwarder and, optionally, multimaster. */
    final class Cluster implements AutoCloseable {
        final Path home;
        final TestDatabase database;
        final String url;
        final RawSql sql;
        BuildbotMasterProcess a;
        BuildbotMasterProcess b;
        long aId;
        long bId;
        TcpForwarder forwarder;
        BuildbotWorkerProcess worker;
        Daemon multimaster;

        Cluster(Path home) {
            this.home = home;
            this.database = database(home.resolve("db"));
            database.reset();
            this.url = buildbotUrl(database);
            this.sql = new RawSql(database);
        }

        /** Creates and starts A and B, then the worker, which the forwarder sends to A. */
        void startBuildbot() throws IOException, InterruptedException {
            a = BuildbotMasterProcess.create(buildbot, home.resolve("master-a"), url, settings(true));
            b = BuildbotMasterProcess.create(buildbot, home.resolve("master-b"), url, settings(false));
            a.start(STARTUP);
            b.start(STARTUP);
            aId = masterId(a);
            bId = masterId(b);
            forwarder = TcpForwarder.start();
            forwarder.forwardTo(a.pbPort());
            worker = BuildbotWorkerProcess.start(buildbot, home.resolve("worker"), forwarder.port());
        }

        private BuildbotMasterProcess.Settings settings(boolean runsScheduler) {
            return new BuildbotMasterProcess.Settings(
                    BUILDBOT_HEARTBEAT, BUILDBOT_EXPIRY, BUILDBOT_CLAIM_POLL, runsScheduler);
        }

        /** Buildbot names a master {@code HOSTNAME:BASEDIR}. */
        private long masterId(BuildbotMasterProcess master) {
            List<Long> ids = sql.rows("SELECT id, name FROM masters").stream()
                    .filter(r -> ((String) r.get("name")).endsWith(":" + master.basedir()))
                    .map(r -> (Long) r.get("id"))
                    .toList();
            assertThat(ids).as("id of %s", master).hasSize(1);
            return ids.get(0);
        }

        /** Starts {@code bin/multimaster run} and waits until it has checked in. */
        void startMultimaster() throws IOException, InterruptedException {
            multimaster = Daemon.start(
                    home.resolve("multimaster"),
                    url,
                    "multimaster-e2e",
                    List.of(
                            "--heartbeat",
                            MULTIMASTER_HEARTBEAT.toMillis() + "ms",
                            "--expire",
                            MULTIMASTER_EXPIRY.toMillis() + "ms",
                            // Buildbot masters check in every 60 s, so multimaster refuses so short an
                            // expiry on a Buildbot database unless told that these ones check in faster.
                            "--force-short-expiry"));
            await("multimaster to check in", STARTUP, () -> {
                if (!multimaster.isAlive()) {
                    throw new AssertionError("multimaster exited:\n" + String.join("\n", logOf(multimaster)));
                }
                return sql.rows("SELECT active FROM masters WHERE name = 'multimaster-e2e'").stream()
                        .anyMatch(r -> Long.valueOf(1).equals(r.get("active")));
            });
        }

        /** Whether multimaster's log has a line that {@code regex} finds. */
        boolean logged(String regex) {
            try {
                return multimaster.count(regex) > 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits until A's build runs its long step on the worker, with output in an open log. */
        Running awaitRunningBuild() throws InterruptedException {
            String running = "SELECT b.id AS buildid, b.buildrequestid FROM builds b"
                    + " JOIN steps s ON s.buildid = b.id JOIN logs l ON l.stepid = s.id"
                    + " WHERE b.masterid = ? AND b.complete_at IS NULL AND s.results IS NULL"
                    + " AND l.complete = 0 AND l.num_lines > 0";
            await("the worker to run a build of A", STARTUP, () -> {
                if (!worker.process().isAlive()) {
                    throw new AssertionError(worker + " exited:\n" + String.join("\n", logOf(worker.process())));
                }
                return !sql.rows(running, aId).isEmpty();
            });
            Map<String, Object> row = sql.rows(running, aId).get(0);
            return new Running((Long) row.get("buildid"), (Long) row.get("buildrequestid"));
        }

        /** {@code kill -9} A, and the forwarder points nowhere, as a balancer's health check would. */
        Instant killA() throws InterruptedException {
            Instant now = Instant.now();
            a.process().kill9();
            forwarder.forwardNowhere();
            return now;
        }

        /** The build's results, or -1 while it has none. */
        long buildResults(long buildId) {
            return sql.queryLong("SELECT COALESCE(results, -1) FROM builds WHERE id = ?", buildId);
        }

        /**
         * The build, its steps and their logs, without ids and times: results, whether {@code
         * complete_at} is set, whether each log is complete.
         */
        List<String> finishedState(long buildId) {
            List<String> state = new ArrayList<>();
            for (Map<String, Object> build : sql.rows(
                    "SELECT b.number, b.results, b.complete_at, r.name FROM builds b"
                            + " JOIN builders r ON r.id = b.builderid WHERE b.id = ?",
                    buildId)) {
                state.add("build " + build.get("name") + "#" + build.get("number") + " results=" + build.get("results")
                        + " complete_at=" + set(build.get("complete_at")));
            }
            List<Map<String, Object>> steps = sql.rows(
                    "SELECT id, number, name, results, complete_at FROM steps WHERE buildid = ? ORDER BY number",
                    buildId);
            for (Map<String, Object> step : steps) {
                state.add("step " + step.get("number") + " " + step.get("name") + " results=" + step.get("results")
                        + " complete_at=" + set(step.get("complete_at")));
            }
            for (Map<String, Object> step : steps) {
                for (Map<String, Object> log :
                        sql.rows("SELECT name, complete FROM logs WHERE stepid = ? ORDER BY id", step.get("id"))) {
                    state.add("log " + step.get("name") + "/" + log.get("name") + " complete=" + log.get("complete"));
                }
            }
            return state;
        }

        /** Whatever was ended as RETRY was ended at the time of the expiry: after the kill, by {@code seen}. */
        void assertRetriedBetween(long buildId, Instant killed, Instant seen) {
            List<Long> times = new ArrayList<>(
                    longs("SELECT complete_at FROM builds WHERE id = ? AND results = ?", buildId, RETRY));
            times.addAll(longs("SELECT complete_at FROM steps WHERE buildid = ? AND results = ?", buildId, RETRY));
            assertThat(times)
                    .as("complete_at of what ended as RETRY")
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(t).isBetween(killed.getEpochSecond(), seen.getEpochSecond() + 1));
        }

        boolean active(long masterId) {
            return sql.queryLong("SELECT active FROM masters WHERE id = ?", masterId) != 0;
        }

        /** The masters that hold a claim on the request. */
        List<Long> claimants(long requestId) {
            return longs("SELECT masterid FROM buildrequest_claims WHERE brid = ?", requestId);
        }

        boolean requestComplete(long requestId) {
            return sql.queryLong("SELECT complete FROM buildrequests WHERE id = ?", requestId) != 0;
        }

        /** The master of each build of the request, in build order. */
        List<Long> buildsOf(long requestId) {
            return longs("SELECT masterid FROM builds WHERE buildrequestid = ? ORDER BY id", requestId);
        }

        /** The first column of each row. */
        private List<Long> longs(String query, Object... parameters) {
            return sql.rows(query, parameters).stream()
                    .map(r -> (Long) r.values().iterator().next())
                    .toList();
        }

        @Override
        public void close() {
            // B first: its clean shutdown stops its build on the worker, which is still there to answer.
            for (AutoCloseable part : new AutoCloseable[] {b, a, worker, multimaster, forwarder, sql}) {
                if (part != null) {
                    try {
                        part.close();
                    } catch (Exception e) {
                        System.out.println("cannot stop " + part + ": " + e);
                    }
                }
            }
        }
    }

    private static String set(Object value) {
        return value == null ? "NULL" : "set";
    }

    private static List<String> logOf(TwistdProcess process) {
        try {
            return process.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> logOf(Daemon daemon) {
        try {
            return daemon.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
