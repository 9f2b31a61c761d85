package org.multimaster.cli;

import java.util.Map;
import org.multimaster.db.DbConnector;
import org.multimaster.json.BuildbotJson;
import picocli.CommandLine.Parameters;

/** The common part of {@code activate} and {@code deactivate}: Buildbot's setMasterState. */
abstract class StateChangeCommand extends DatabaseCommand {

    @Parameters(
            paramLabel = "ID",
            converter = MasterIdConverter.class,
            description = "The master id, as 'multimaster list' shows it.")
    long masterId;

    /** The state to set. */
    abstract boolean active();

    @Override
    final int execute() {
        boolean changed;
        try (DbConnector db = open(false)) {
            changed = db.masters().setMasterState(masterId, active()).join();
            // setMasterState answers false both for "already so" and "no such master"; asking
            // afterwards (masters are never deleted by these commands) tells them apart.
            if (!changed && db.masters().getMaster(masterId).join().isEmpty()) {
                throw CliException.notFound(masterId);
            }
        }
        String state = active() ? "active" : "inactive";
        if (json()) {
            out().println(BuildbotJson.compact(Map.of("changed", changed)));
        } else if (changed) {
            out().println("master " + masterId + " is now " + state);
        } else {
            out().println("master " + masterId + " was already " + state + "; nothing changed");
        }
        return ExitCodes.OK;
    }
}
