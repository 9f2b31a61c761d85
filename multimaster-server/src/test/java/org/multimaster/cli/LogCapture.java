package org.multimaster.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures the log lines of the in-process CLI: either as {@code bin/multimaster} shows them (the
 * levels its {@link LogConfigurator} sets), or every event of every logger at every level. {@link #close()}
 * restores the test configuration. Thread-safe; one capture at a time.
 */
final class LogCapture implements AutoCloseable {

    private final LoggerContext context;
    private final List<String> lines = new ArrayList<>();

    private LogCapture(LoggerContext context) {
        this.context = context;
    }

    /** Logging as {@code bin/multimaster} configures it, by its {@link LogConfigurator}. */
    static LogCapture asConfigured() {
        LoggerContext context = context();
        context.reset();
        LogConfigurator configurator = new LogConfigurator();
        configurator.setContext(context);
        configurator.configure(context);
        return attach(context);
    }

    /** Every event of every logger, TRACE included. */
    static LogCapture everything() {
        LoggerContext context = context();
        context.reset();
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.TRACE);
        return attach(context);
    }

    /** The lines logged so far: level, logger and message, then the stack trace if any. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Everything logged so far as one text. */
    String text() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        context.reset();
        try {
            new ContextInitializer(context).autoConfig();
        } catch (JoranException e) {
            throw new IllegalStateException("cannot restore the logging configuration", e);
        }
    }

    private synchronized void add(ILoggingEvent event) {
        StringBuilder line = new StringBuilder()
                .append(event.getLevel())
                .append(' ')
                .append(event.getLoggerName())
                .append(" - ")
                .append(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            line.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        lines.add(line.toString());
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    private static LogCapture attach(LoggerContext context) {
        LogCapture capture = new LogCapture(context);
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                capture.add(event);
            }
        };
        appender.setContext(context);
        appender.setName("capture");
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return capture;
    }
}
