package org.multimaster.cli;

import picocli.CommandLine.Command;

/** {@code multimaster activate ID}: marks a master active, as its check-in does. */
@Command(
        name = "activate",
        description = {
            "Mark the master with id ID active and set its last_active to now (a check-in).",
            "Prints whether its state changed; an active master stays active and only its last_active moves.",
            "Needs an existing database: a database without schema (or a SQLite file that does not exist) is"
                    + " an error, never created, since it cannot hold the master.",
        })
final class ActivateCommand extends StateChangeCommand {

    @Override
    boolean active() {
        return true;
    }
}
