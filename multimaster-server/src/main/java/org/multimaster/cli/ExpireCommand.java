package org.multimaster.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
import org.multimaster.db.MasterModel;
import org.multimaster.json.BuildbotJson;
import org.multimaster.runtime.Expiry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code multimaster expire}: one expiry sweep with housekeeping, as a running master does it. */
@Command(
        name = "expire",
        description = {
            "Mark inactive every active master that has not checked in for longer than --expire, and clean up"
                    + " after each as a Buildbot master would: its claims, builder registrations and worker"
                    + " connections are released, its running builds end as RETRY and its pending build requests"
                    + " are released to be built again. Safe beside running masters: each master is cleaned up"
                    + " exactly once.",
            "Prints the masters this sweep expired.",
        })
final class ExpireCommand extends DatabaseCommand {

    @Mixin
    ExpiryOptions options = new ExpiryOptions();

    @Override
    int execute() {
        Duration expire = options.expire;
        if (expire.isNegative() || expire.isZero()) {
            throw new IllegalArgumentException("--expire " + Durations.format(expire) + " must be positive");
        }
        List<MasterModel> expired;
        try (DbConnector db = open(false)) {
            Expiry.requireSafeBesideBuildbot(db, expire, options.forceShortExpiry);
            // Reported as they are now: inactive, with the last check-in that got them expired.
            expired = new Expiry(db.masters(), expire, List.of(), event -> {})
                    .sweep(-1).stream()
                            .map(m -> new MasterModel(m.id(), m.name(), false, m.lastActive()))
                            .toList();
        }
        if (json()) {
            out().println(BuildbotJson.compact(
                    Map.of("expired", expired.stream().map(BuildbotJson::master).toList())));
        } else if (expired.isEmpty()) {
            out().println("no master has been silent for longer than " + Durations.format(expire));
        } else {
            for (MasterModel master : expired) {
                out().println("expired master " + master.id() + " (" + Text.printable(master.name())
                        + "), last check-in " + master.lastActive());
            }
        }
        return ExitCodes.OK;
    }
}
