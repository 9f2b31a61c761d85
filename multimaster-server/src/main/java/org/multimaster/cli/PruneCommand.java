package org.multimaster.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.multimaster.db.DbConnector;
import org.multimaster.db.Durations;
import org.multimaster.db.MasterModel;
import org.multimaster.json.BuildbotJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multimaster prune}: deletes long-inactive masters that nothing references. */
@Command(
        name = "prune",
        description = {
            "Delete the masters that have been inactive for longer than --inactive-for and that nothing"
                    + " references any more. A master that any build (or claim) still refers to is kept: builds are"
                    + " history.",
            "Prints the masters deleted.",
        })
final class PruneCommand extends DatabaseCommand {

    @Option(
            names = "--inactive-for",
            paramLabel = "DURATION",
            required = true,
            converter = DurationConverter.class,
            description = "How long a master must have been inactive, e.g. 30d.")
    Duration inactiveFor;

    @Override
    int execute() {
        if (inactiveFor.isNegative()) {
            throw new IllegalArgumentException(
                    "--inactive-for " + Durations.format(inactiveFor) + " must not be negative");
        }
        List<MasterModel> pruned;
        try (DbConnector db = open(false)) {
            pruned = db.masters().pruneMasters(inactiveFor).join();
        }
        if (json()) {
            out().println(BuildbotJson.compact(
                    Map.of("pruned", pruned.stream().map(BuildbotJson::master).toList())));
        } else if (pruned.isEmpty()) {
            out().println("no master has been inactive and unreferenced for longer than "
                    + Durations.format(inactiveFor));
        } else {
            for (MasterModel master : pruned) {
                out().println("deleted master " + master.id() + " (" + Text.printable(master.name())
                        + "), inactive since " + master.lastActive());
            }
        }
        return ExitCodes.OK;
    }
}
