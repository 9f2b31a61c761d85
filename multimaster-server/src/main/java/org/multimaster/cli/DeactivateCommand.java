package org.multimaster.cli;

import picocli.CommandLine.Command;

/** {@code multimaster deactivate ID}: marks a master inactive and releases what it owned. */
@Command(
        name = "deactivate",
        description = {
            "Mark the master with id ID inactive and, in the same transaction, clean up after it as a Buildbot"
                    + " master would: release its schedulers, change sources, builder registrations, worker"
                    + " connections and pending build requests, and end its running builds as RETRY (completed"
                    + " builds stay). Other masters then take its work over.",
            "Prints whether its state changed. Use it only for a master that is really stopped: a running"
                    + " master marks itself active again at its next check-in.",
            "Needs an existing database: a database without schema (or a SQLite file that does not exist) is"
                    + " an error, never created, since it cannot hold the master.",
        })
final class DeactivateCommand extends StateChangeCommand {

    @Override
    boolean active() {
        return false;
    }
}
