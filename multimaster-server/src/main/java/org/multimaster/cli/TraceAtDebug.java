package org.multimaster.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The stack trace in a log line ({@link LogLayout}; in a pattern, the conversion word
 * {@code %traceAtDebug}): the trace of a logged exception only when it helps, i.e. for an error (a
 * bug) or when the logger is at debug level. A warning about a failure that is expected in operation
 * (a connection killed by the server, an outage) stays one line.
 *
 * <p>Thread-safe, as logback requires of converters once started.
 */
public final class TraceAtDebug extends ThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        if (event.getThrowableProxy() == null) {
            return "";
        }
        boolean debug = getContext() instanceof LoggerContext context
                && context.getLogger(event.getLoggerName()).isDebugEnabled();
        return event.getLevel().isGreaterOrEqual(Level.ERROR) || debug ? super.convert(event) : "";
    }
}
