package org.multimaster.cli;

import ch.qos.logback.classic.pattern.Abbreviator;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The executable's log line, {@code HH:mm:ss.SSS LEVEL logger - message}, then the stack trace where
 * {@link TraceAtDebug} shows one: what the pattern {@code %d{HH:mm:ss.SSS} %-5level %logger{36} -
 * %msg%n%traceAtDebug} prints, written out in code, with the message's control and invisible
 * characters escaped as {@link Text#printable} escapes them in tables, so that each event is one line. logback's {@code PatternLayout} registers its
 * whole table of conversion words and parses the pattern when it starts, which cost a one-shot command
 * about 45 ms of its start (async-profiler); this layout needs neither.
 *
 * <p>Thread-safe once started, as logback requires of a layout.
 */
public final class LogLayout extends LayoutBase<ILoggingEvent> {

    /** Logger names longer than this are shortened package by package, as {@code %logger{36}} does. */
    static final int LOGGER_LENGTH = 36;

    private final Abbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(LOGGER_LENGTH);
    private final TraceAtDebug trace = new TraceAtDebug();

    @Override
    public void start() {
        trace.setContext(getContext());
        trace.start();
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        Clock.TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
        String level = event.getLevel().toString();
        line.append(' ').append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        return line.append(' ')
                .append(abbreviator.abbreviate(event.getLoggerName()))
                .append(" - ")
                // A master's name comes from the shared database: a newline in it must not forge a line
                // of this log, nor a terminal escape reach the operator's terminal.
                .append(Text.printable(event.getFormattedMessage()))
                .append('\n')
                .append(trace.convert(event))
                .toString();
    }

    /**
     * The time of day in the local zone, made when the first line is written: finding the zone and
     * making the formatter cost about 30 ms of CPU, which a command that logs nothing never pays.
     */
    private static final class Clock {
        static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    }
}
