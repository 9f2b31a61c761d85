package org.multimaster.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of the commands that expire masters: how long a master may be silent, and the override. */
final class ExpiryOptions {

    @Option(
            names = "--expire",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "10m",
            description =
                    "How long a master may go without checking in before it is expired. On a database that"
                            + " Buildbot created, more than 2m (Buildbot masters check in every 60 s). Default: ${DEFAULT-VALUE}.")
    Duration expire = Duration.ofMinutes(10);

    @Option(
            names = "--force-short-expiry",
            description = "Allow --expire of 2m or less on a database that Buildbot created: only when no Buildbot"
                    + " master uses it, or live Buildbot masters are expired and their builds ended.")
    boolean forceShortExpiry;
}
