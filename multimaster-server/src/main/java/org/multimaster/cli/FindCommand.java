package org.multimaster.cli;

import java.util.Map;
import org.multimaster.db.DbConnector;
import org.multimaster.json.BuildbotJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code multimaster find NAME}: prints the id of a master, registering it if it is new. */
@Command(
        name = "find",
        description = {
            "Print the id of the master named NAME, registering it if it is new (inactive, last_active = now),"
                    + " exactly as a master does when it starts (Buildbot's findMasterId).",
            "Because it registers, it also creates the schema when the database has none, as a starting master"
                    + " would.",
        })
final class FindCommand extends DatabaseCommand {

    @Parameters(paramLabel = "NAME", description = "The master's name, usually hostname:basedir; compared exactly.")
    String name = "";

    @Override
    int execute() {
        if (name.isBlank()) {
            // Checked before opening, so that a blank name does not create a database.
            throw new CliException(
                    ExitCodes.USAGE, "master name must not be blank; give the name, usually hostname:basedir");
        }
        // So is a name the database cannot store: refused after opening, it would leave a new schema.
        DbConnector.requireStorableName(databaseKind(), "master", name);
        long id;
        try (DbConnector db = open(true)) {
            id = db.masters().findMasterId(name).join();
        }
        out().println(json() ? BuildbotJson.compact(Map.of("masterid", id)) : String.valueOf(id));
        return ExitCodes.OK;
    }
}
