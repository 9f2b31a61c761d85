package org.multimaster.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The executable's logging, set up in code rather than parsed from XML: parsing a configuration
 * file costs a one-shot command a noticeable part of its start. Every line goes to stderr (stdout
 * belongs to the command's output: tables, JSON); libraries and multimaster log warnings only, and
 * {@code run} raises multimaster to INFO.
 *
 * <p>Found by logback through {@code META-INF/services}; a {@code logback.xml} given with
 * {@code -Dlogback.configurationFile} still takes over. Thread-safe: logback calls it once.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    /** The system property that names a {@code logback.xml} to use instead. */
    static final String CONFIGURATION_FILE = "logback.configurationFile";

    /** Called by logback's service loader. */
    public LogConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(CONFIGURATION_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // A warning is one line; its stack trace is printed for errors, or with the logger at debug.
        LogLayout layout = new LogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        // A connection the server killed (or an outage) fails the operation that used it, which the
        // runtime reports in one line; the pool's own notes about it (a broken connection, one that no
        // longer validates) would repeat each event. Set these loggers to DEBUG to see them with traces.
        context.getLogger("com.zaxxer.hikari.pool.PoolBase").setLevel(Level.ERROR);
        context.getLogger("com.zaxxer.hikari.pool.ProxyConnection").setLevel(Level.ERROR);
        // Flyway reports a failure by exception, which multimaster turns into one line (the whole of it
        // at debug level under org.multimaster); what Flyway logs on the way (rollbacks that failed
        // after the failure) only repeats it with stack traces.
        context.getLogger("org.flywaydb").setLevel(Level.OFF);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        // Operator commands print their results on stdout; only 'run' raises this to INFO (RunCommand).
        context.getLogger("org.multimaster").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
