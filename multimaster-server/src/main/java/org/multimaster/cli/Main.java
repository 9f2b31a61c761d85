package org.multimaster.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.UnsupportedDatabaseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The entry point of {@code bin/multimaster}.
 *
 * <p>Every error is printed on stderr as one message that says what was wrong and what to do,
 * with any database password replaced by {@code ***}; stack traces appear only for bugs.
 *
 * <p>Thread-safe: each {@link #run} builds its own command objects.
 */
public final class Main {

    /** What the JVM decodes bytes that are not valid in the locale's encoding to. */
    private static final char UNDECODABLE = '\uFFFD';

    private Main() {}

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        // picocli otherwise looks for Groovy's Closure class on the class path at every start (8 ms of CPU,
        // the class loader failing to find it); multimaster's annotations hold no closures.
        System.setProperty("picocli.disable.closures", "true");
        WarmUp.start(args, System.getenv());
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
        int code = run(args, out, err, System.getenv());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the command line without exiting: the testable entry point.
     *
     * @param args the command-line arguments
     * @param out where results go
     * @param err where errors and diagnostics go
     * @param environment the process environment ({@code MULTIMASTER_DB})
     * @return the exit code, see {@link ExitCodes}
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].indexOf(UNDECODABLE) >= 0) {
                // The JVM turned bytes that are not valid in the locale's encoding into U+FFFD: two
                // different names could arrive as one, so none is used. The argument is not echoed,
                // as it may be a database URL with its password.
                err.println("multimaster: argument " + (i + 1) + " is not valid "
                        + System.getProperty("sun.jnu.encoding", "UTF-8")
                        + " text (the locale's encoding): its undecodable bytes all read as U+FFFD, so"
                        + " different names would become one; give it in UTF-8, under a UTF-8 locale");
                err.flush();
                return ExitCodes.USAGE;
            }
        }
        Secrets secrets = new Secrets(args, environment.get(DatabaseOptions.DB_ENV));
        CommandLine commandLine = new CommandLine(new MultimasterCommand(environment));
        for (Class<?> command : commandsFor(args)) {
            commandLine.addSubcommand(command);
        }
        commandLine
                .setOut(out)
                .setErr(err)
                // A master name may start with '@'; it is not a file of arguments.
                .setExpandAtFiles(false)
                .setParameterExceptionHandler(new ErrorHandler(secrets))
                .setExecutionExceptionHandler(new ErrorHandler(secrets));
        // Nothing may log before logging is set up: SLF4J would replay it with a warning of its own.
        WarmUp.awaitLogging();
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The subcommands to build for {@code args}: the one named by the first argument that is not a
     * global option, or every one (for the top-level help, and to suggest a name for a mistyped one).
     */
    static List<Class<?>> commandsFor(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--db")) {
                i++;
            } else if (arg.startsWith("-")) {
                if (!arg.startsWith("--db=") && !arg.equals("--json")) {
                    break;
                }
            } else {
                for (Class<?> command : MultimasterCommand.COMMANDS) {
                    if (command.getAnnotation(Command.class).name().equals(arg)) {
                        return List.of(command);
                    }
                }
                break;
            }
        }
        return MultimasterCommand.COMMANDS;
    }

    /**
     * Prints picocli's usage errors and the commands' failures. A class rather than two lambdas: the
     * class-data archive of {@code bin/multimaster} cannot hold a lambda of an interface compiled for
     * Java 5, as picocli's are, and leaves that interface and the classes that use it out too.
     */
    private static final class ErrorHandler
            implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {

        private final Secrets secrets;

        ErrorHandler(Secrets secrets) {
            this.secrets = secrets;
        }

        @Override
        public int handleParseException(ParameterException e, String[] args) {
            return handleUsageError(e, secrets);
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
            return handleFailure(e, command, secrets);
        }
    }

    private static int handleUsageError(ParameterException e, Secrets secrets) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        // picocli echoes arguments, which may be a database URL with its password, or hold a newline
        // or a terminal escape.
        String message = Text.printable(secrets.hide(String.valueOf(e.getMessage())));
        if (message.startsWith("Error: ")) {
            message = message.substring("Error: ".length());
        }
        err.println("multimaster: " + message);
        if (e instanceof UnmatchedArgumentException unmatched) {
            for (String suggestion : unmatched.getSuggestions()) {
                err.println("  did you mean: " + command.getCommandName() + " " + suggestion + "?");
            }
        }
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        return ExitCodes.USAGE;
    }

    private static int handleFailure(Exception thrown, CommandLine command, Secrets secrets) {
        PrintWriter err = command.getErr();
        Throwable e = unwrap(thrown);
        int code;
        String message;
        if (e instanceof CliException cli) {
            code = cli.exitCode();
            message = cli.getMessage();
        } else if (e instanceof UnsupportedDatabaseException) {
            code = ExitCodes.USAGE;
            message = e.getMessage();
        } else if (e instanceof MultimasterException) {
            code = ExitCodes.DATABASE;
            message = e.getMessage();
        } else if (e instanceof IllegalArgumentException) {
            code = ExitCodes.USAGE;
            message = e.getMessage() + "; see '" + command.getCommandSpec().qualifiedName() + " --help'";
        } else {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(secrets.hide(trace.toString()));
            code = ExitCodes.INTERNAL;
            message = "internal error (a bug in multimaster, please report it with the trace above): " + e;
        }
        // Messages of multimaster's exceptions hide the password already; this is for the others. A
        // master's name in the message must not forge a line or reach the terminal as an escape.
        err.println("multimaster: " + Text.printable(secrets.hide(String.valueOf(message))));
        err.flush();
        return code;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
