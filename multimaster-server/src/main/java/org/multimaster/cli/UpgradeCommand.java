package org.multimaster.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseKind;
import org.multimaster.db.DatabaseUnavailableException;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
import org.multimaster.db.ListResult;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.ResultSpec.Operator;
import org.multimaster.json.BuildbotJson;
import org.multimaster.runtime.MasterRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multimaster upgrade}: what Buildbot's {@code upgrade-master} does to the masters table. */
@Command(
        name = "upgrade",
        description = {
            "Create multimaster's schema if the database has none, or upgrade it to the current version;"
                    + " a database that Buildbot created is left as it is.",
            "Then mark every master active with last_active 0 (Buildbot's upgrade-master does the same), so"
                    + " that the next master to start sees them all as expired and cleans up after them.",
            "Run it while no master is running: it refuses, changing nothing, while a master that checked in"
                    + " within the last 10m may still be running, unless --force is given.",
        })
final class UpgradeCommand extends DatabaseCommand {

    /** How recent a check-in makes a master one that may be running: Buildbot's expiry. */
    private static final Duration RECENT = MasterRuntime.Builder.DEFAULT_EXPIRY;

    /** How many of the masters that may be running a refusal names. */
    private static final int NAMED = 5;

    @Option(
            names = "--force",
            description = "Mark the masters even when some checked in within the last 10m: only when they are"
                    + " gone, as their peers would expire a running one and clean up after it (its builds end as"
                    + " RETRY).")
    boolean force;

    @Override
    int execute() {
        boolean buildbot;
        boolean newer;
        @Nullable String version;
        @Nullable String found;
        long masters;
        String database;
        try (DbConnector db = openToUpgrade()) {
            database = db.url().toString();
            buildbot = db.isBuildbotSchema();
            newer = db.isNewerSchema();
            version = db.schemaVersion().orElse(null);
            found = db.schemaVersionFound().orElse(null);
            db.masters().setAllMastersActiveLongTimeAgo().join();
            masters = db.masters()
                    .getMasters(ResultSpec.builder().limit(0L).build())
                    .join()
                    .total();
        }
        if (json()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("database", database);
            body.put("masters_marked", masters);
            body.put("schema", buildbot ? "buildbot" : newer ? "newer-multimaster" : "multimaster");
            body.put("schema_version", version);
            body.put("schema_version_found", found);
            out().println(BuildbotJson.compact(body));
        } else {
            out().println(schemaLine(database, buildbot, newer, version, found));
            out().println(
                            masters == 0
                                    ? "no master is registered; nothing to mark"
                                    : "marked " + Text.count(masters, "master") + " active with last_active 0; the next"
                                            + " master to start will expire " + (masters == 1 ? "it" : "them")
                                            + " and clean up after " + (masters == 1 ? "it" : "them"));
        }
        return ExitCodes.OK;
    }

    /**
     * Opens the database, first as it is, to refuse (without --force) while masters may be running,
     * then to create or upgrade multimaster's schema. A schema that Buildbot or a newer multimaster
     * made is left as it is, so the connector that read it is kept rather than opened again.
     */
    private DbConnector openToUpgrade() {
        DbConnector existing = openExisting();
        if (existing == null) {
            return open(true);
        }
        boolean keep = false;
        try {
            if (!force) {
                refuseWhileMastersMayBeRunning(existing);
            }
            keep = existing.isBuildbotSchema() || existing.isNewerSchema();
        } finally {
            if (!keep) {
                existing.close();
            }
        }
        return keep ? existing : open(true);
    }

    /**
     * Refuses, before anything is written, when a master that is marked active checked in within
     * {@link #RECENT}: marking it silent since 1970 would have its peers expire it and clean up after
     * it while it runs.
     */
    private static void refuseWhileMastersMayBeRunning(DbConnector db) {
        Instant since = db.clock().instant().minus(RECENT).truncatedTo(ChronoUnit.SECONDS);
        ListResult<MasterModel> recent = db.masters()
                .getMasters(ResultSpec.builder()
                        .filter("active", Operator.EQ, true)
                        .filter("last_active", Operator.GT, since)
                        .order("masterid")
                        .limit((long) NAMED)
                        .build())
                .join();
        if (recent.total() == 0) {
            return;
        }
        String named = recent.items().stream()
                .map(m -> m.id() + " ('" + Text.printable(m.name()) + "')")
                .collect(Collectors.joining(", "));
        throw new CliException(
                ExitCodes.USAGE,
                Text.count(recent.total(), "master") + " checked in within the last " + Durations.format(RECENT)
                        + " and may be running: " + named + (recent.total() > NAMED ? ", …" : "")
                        + "; upgrade marks every master as silent since 1970, and a peer would then expire a running"
                        + " master and clean up after it (its builds end as RETRY). Stop the masters first, or pass"
                        + " --force if they are gone; nothing was changed");
    }

    /** The database opened without creating or upgrading anything, or null if it has no schema yet. */
    private @Nullable DbConnector openExisting() {
        if (databaseKind() == DatabaseKind.SQLITE && !sqliteFileExists()) {
            return null;
        }
        try {
            return open(false);
        } catch (DatabaseUnavailableException e) {
            throw e;
        } catch (MultimasterException e) {
            return null; // no masters table: creating the schema is this command's work
        }
    }

    private static String schemaLine(
            String database, boolean buildbot, boolean newer, @Nullable String version, @Nullable String found) {
        if (buildbot) {
            return "database " + database + " has Buildbot's schema; left as it is";
        }
        if (newer) {
            return "database " + database + " has a newer multimaster's schema (version " + version
                    + "); left as it is";
        }
        if (found == null) {
            return "created multimaster's schema (version " + version + ") in database " + database;
        }
        if (!found.equals(version)) {
            return "upgraded multimaster's schema of database " + database + " from version " + found + " to "
                    + version;
        }
        return "database " + database + " has multimaster's current schema (version " + version + ")";
    }
}
