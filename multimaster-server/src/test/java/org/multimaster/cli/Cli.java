package org.multimaster.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs {@code multimaster} in-process, as {@code bin/multimaster} would, and captures its output. */
final class Cli {

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {

        /** Everything printed, for checks that nothing secret was printed anywhere. */
        String all() {
            return out + err;
        }
    }

    private final Map<String, String> environment;

    private Cli(Map<String, String> environment) {
        this.environment = environment;
    }

    /** A CLI with an empty environment (no {@code MULTIMASTER_DB}). */
    static Cli withoutEnvironment() {
        return new Cli(Map.of());
    }

    /** A CLI with the given environment. */
    static Cli withEnvironment(Map<String, String> environment) {
        return new Cli(Map.copyOf(environment));
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), environment);
        return new Result(
                code, out.toString().replace("\r\n", "\n"), err.toString().replace("\r\n", "\n"));
    }
}
