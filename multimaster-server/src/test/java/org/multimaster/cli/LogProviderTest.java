package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * The executable's SLF4J provider sets logging up as logback's provider does with
 * {@link LogConfigurator}, and still reads a {@code logback.xml} named by
 * {@code -Dlogback.configurationFile}. Each test starts a provider of its own; the logging of the
 * test JVM is not touched.
 */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class LogProviderTest {

    @Test
    void shouldConfigureLoggingAsTheConfiguratorDoes() {
        LogProvider provider = new LogProvider();

        provider.initialize();

        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        assertThat(context.isStarted()).isTrue();
        assertThat(context.getMDCAdapter()).isSameAs(provider.getMDCAdapter());
        assertThat(provider.getMarkerFactory().getMarker("m").getName()).isEqualTo("m");
        assertThat(provider.getRequestedApiVersion()).startsWith("2.0");
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.multimaster").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.flywaydb").getLevel()).isEqualTo(Level.OFF);
        Appender<ILoggingEvent> stderr = root.getAppender("STDERR");
        assertThat(stderr).isInstanceOf(ConsoleAppender.class);
        assertThat(((ConsoleAppender<ILoggingEvent>) stderr).getTarget()).isEqualTo("System.err");
        assertThat(((LayoutWrappingEncoder<ILoggingEvent>) ((ConsoleAppender<ILoggingEvent>) stderr).getEncoder())
                        .getLayout())
                .isInstanceOf(LogLayout.class);
    }

    @Test
    void shouldReadTheLogbackFileNamedByTheSystemProperty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logback.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="CUSTOM" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%msg%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="CUSTOM"/></root>
                </configuration>
                """);
        String before = System.getProperty(LogConfigurator.CONFIGURATION_FILE);
        System.setProperty(LogConfigurator.CONFIGURATION_FILE, file.toString());
        try {
            LogProvider provider = new LogProvider();

            provider.initialize();

            Logger root = ((LoggerContext) provider.getLoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(root.getAppender("CUSTOM")).isNotNull();
            assertThat(root.getAppender("STDERR")).isNull();
        } finally {
            if (before == null) {
                System.clearProperty(LogConfigurator.CONFIGURATION_FILE);
            } else {
                System.setProperty(LogConfigurator.CONFIGURATION_FILE, before);
            }
        }
    }
}
