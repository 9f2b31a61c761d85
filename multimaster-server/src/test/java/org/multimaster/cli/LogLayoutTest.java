package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The executable's log line, written out in code, against the logback pattern it stands for. */
class LogLayoutTest {

    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n%traceAtDebug";

    private final LoggerContext context = new LoggerContext();
    private final LogLayout layout = new LogLayout();
    private final PatternLayout pattern = new PatternLayout();

    @BeforeEach
    void startLayouts() {
        layout.setContext(context);
        layout.start();
        Map<String, Supplier<DynamicConverter<?>>> words = new HashMap<>();
        words.put("traceAtDebug", TraceAtDebug::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, words);
        pattern.setContext(context);
        pattern.setPattern(PATTERN);
        pattern.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "com.zaxxer.hikari.pool.HikariPool",
                "org.multimaster.runtime.MasterRuntime",
                "org.multimaster.db.internal.a.very.deep.package.name.JdbcMastersConnector",
                "x",
                "ROOT"
            })
    void shouldPrintWhatThePatternPrintsForEveryLevel(String loggerName) {
        for (Level level : new Level[] {Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE}) {
            ILoggingEvent event = event(loggerName, level, "connection {} is broken", null, 7);

            assertThat(layout.doLayout(event)).isEqualTo(pattern.doLayout(event));
        }
    }

    @Test
    void shouldKeepAWarningWithAnExceptionOnOneLine() {
        ILoggingEvent event = event("com.zaxxer.hikari.pool.PoolBase", Level.WARN, "broken", new SQLException("gone"));

        String line = layout.doLayout(event);

        assertThat(line)
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  com\\.zaxxer\\.hikari\\.pool\\.PoolBase - broken\n");
        assertThat(line).isEqualTo(pattern.doLayout(event));
    }

    @Test
    void shouldNotLetANameForgeALineOrReachTheTerminal() {
        // A peer's name, from the shared database, in a line of the runtime's.
        ILoggingEvent event = event(
                "org.multimaster.runtime.Expiry",
                Level.INFO,
                "expired master {} ('{}')",
                null,
                7,
                "evil\n12:00:00.000 WARN  forged line\u001b[31m\u202e");

        String line = layout.doLayout(event);

        assertThat(line)
                .endsWith(" - expired master 7 ('evil\\u000a12:00:00.000 WARN  forged line\\u001b[31m\\u202e')\n")
                .hasLineCount(1);
    }

    @Test
    void shouldPrintTheStackTraceOfAnError() {
        ILoggingEvent event = event("org.multimaster.cli.Main", Level.ERROR, "bug", new IllegalStateException("oops"));

        String line = layout.doLayout(event);

        assertThat(line).contains("ERROR org.multimaster.cli.Main - bug\njava.lang.IllegalStateException: oops\n\tat ");
        assertThat(line).isEqualTo(pattern.doLayout(event));
    }

    @Test
    void shouldPrintTheStackTraceOfAWarningWhenItsLoggerIsAtDebug() {
        context.getLogger("com.zaxxer.hikari").setLevel(Level.DEBUG);
        ILoggingEvent event = event("com.zaxxer.hikari.pool.PoolBase", Level.WARN, "broken", new SQLException("gone"));

        String line = layout.doLayout(event);

        assertThat(line).contains(" - broken\njava.sql.SQLException: gone\n\tat ");
        assertThat(line).isEqualTo(pattern.doLayout(event));
    }

    private ILoggingEvent event(String loggerName, Level level, String message, Throwable thrown, Object... args) {
        Logger logger = context.getLogger(loggerName);
        return new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, args);
    }
}
