package org.multimaster.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.json.BuildbotJson;
import org.multimaster.runtime.Expiry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multimaster expire}: one expiry sweep with housekeeping, as a running master does it. */
@Command(
        name = "expire",
        description = {
            "Mark inactive every active master that has not checked in for longer than --expire, and clean up"
                    + " after each (its claims, builder registrations, worker connections and build request"
                    + " claims are released). Safe beside running masters: each master is cleaned up exactly once.",
            "Prints the masters this sweep expired.",
        })
final class ExpireCommand extends DatabaseCommand {

    @Option(
            names = "--expire",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "10m",
            description = "How long a master may go without checking in. Default: ${DEFAULT-VALUE}.")
    Duration expire;

    @Override
    int execute() {
        if (expire.isNegative() || expire.isZero()) {
            throw new IllegalArgumentException("--expire " + expire + " must be positive");
        }
        List<MasterModel> expired;
        try (DbConnector db = open(false)) {
            // Reported as they are now: inactive, with the last check-in that got them expired.
            expired = new Expiry(db.masters(), expire, Duration.ofSeconds(60), List.of(), event -> {})
                    .sweep(-1).stream()
                            .map(m -> new MasterModel(m.id(), m.name(), false, m.lastActive()))
                            .toList();
        }
        if (json()) {
            out().println(BuildbotJson.compact(
                    Map.of("expired", expired.stream().map(BuildbotJson::master).toList())));
        } else if (expired.isEmpty()) {
            out().println("no master has been silent for longer than " + expire);
        } else {
            for (MasterModel master : expired) {
                out().println("expired master " + master.id() + " (" + Text.printable(master.name())
                        + "), last check-in " + master.lastActive());
            }
        }
        return ExitCodes.OK;
    }
}
