package org.multimaster.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DbConnector;
import org.multimaster.db.ResultSpec;
import org.multimaster.json.BuildbotJson;
import picocli.CommandLine.Command;

/** {@code multimaster upgrade}: what Buildbot's {@code upgrade-master} does to the masters table. */
@Command(
        name = "upgrade",
        description = {
            "Create multimaster's schema if the database has none, or upgrade it to the current version;"
                    + " a database that Buildbot created is left as it is.",
            "Then mark every master active with last_active 0 (Buildbot's upgrade-master does the same), so"
                    + " that the next master to start sees them all as expired and cleans up after them.",
            "Run it while no master is running.",
        })
final class UpgradeCommand extends DatabaseCommand {

    @Override
    int execute() {
        boolean buildbot;
        boolean newer;
        @Nullable String version;
        @Nullable String found;
        long masters;
        String database;
        try (DbConnector db = open(true)) {
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
