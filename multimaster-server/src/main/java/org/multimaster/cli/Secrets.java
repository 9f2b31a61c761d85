package org.multimaster.cli;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.DatabaseUrl;

/**
 * The database passwords a command line holds, in {@code --db}, {@code $MULTIMASTER_DB} or any other
 * argument, so that they can be hidden wherever a message would print them (picocli echoes the
 * arguments it rejects; a stack trace may hold anything). Each candidate is read as a database URL:
 * what is hidden is what that parse finds to be a password.
 *
 * <p>Immutable and thread-safe.
 */
final class Secrets {

    private final List<String> candidates;

    Secrets(String[] args, @Nullable String environmentUrl) {
        List<String> found = new ArrayList<>();
        for (String arg : args) {
            found.add(arg);
            int equals = arg.indexOf('=');
            if (arg.startsWith("-") && equals > 0) {
                found.add(arg.substring(equals + 1)); // --db=URL
            }
        }
        if (environmentUrl != null) {
            found.add(environmentUrl);
        }
        this.candidates = List.copyOf(found);
    }

    /** Returns {@code text} with every password of the command line's database URLs replaced by {@code ***}. */
    String hide(String text) {
        String out = text;
        for (String candidate : candidates) {
            String redacted = DatabaseUrl.redact(candidate);
            if (!redacted.equals(candidate)) {
                out = out.replace(candidate, redacted);
            }
            try {
                out = DatabaseUrl.parse(candidate).hidePasswordIn(out);
            } catch (RuntimeException notADatabaseUrl) {
                // most arguments are not
            }
        }
        return out;
    }
}
