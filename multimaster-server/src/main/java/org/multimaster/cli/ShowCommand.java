package org.multimaster.cli;

import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.json.BuildbotJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code multimaster show ID}: prints one master. */
@Command(
        name = "show",
        description = {
            "Print the master with id ID.",
            "Read-only: a database without schema (or a SQLite file that does not exist) is an error, never"
                    + " created.",
        })
final class ShowCommand extends DatabaseCommand {

    @Parameters(
            paramLabel = "ID",
            converter = MasterIdConverter.class,
            description = "The master id, as 'multimaster list' shows it.")
    long masterId;

    @Override
    int execute() {
        MasterModel master;
        try (DbConnector db = open(false)) {
            master = db.masters().getMaster(masterId).join().orElseThrow(() -> CliException.notFound(masterId));
        }
        if (json()) {
            out().println(BuildbotJson.compact(BuildbotJson.master(master)));
        } else {
            out().println("masterid:    " + master.id());
            out().println("name:        " + Text.printable(master.name()));
            out().println("active:      " + master.active());
            out().println("last_active: " + master.lastActive() + " ("
                    + master.lastActive().getEpochSecond() + ")");
        }
        return ExitCodes.OK;
    }
}
