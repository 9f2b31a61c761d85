package org.multimaster.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
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

    /** Called by logback's service loader. */
    public LogConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n");
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
        // One warning per broken pooled connection during an outage; the runtime reports the outage once.
        context.getLogger("com.zaxxer.hikari.pool.PoolBase").setLevel(Level.ERROR);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        context.getLogger("org.multimaster").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
