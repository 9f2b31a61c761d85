package org.multimaster.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The executable's SLF4J provider: logback, configured by {@link LogConfigurator} directly. logback's
 * own provider finds the configurator through a service loader, reads its rank annotation, checks
 * the versions of its jars and times itself, which together cost the start of a one-shot command
 * about 60 ms (async-profiler, wall clock) for the same configuration.
 *
 * <p>The executable's jar names it as its only SLF4J provider, logback's being left out of the jar
 * (see the shade plugin in {@code pom.xml}); a library user, and the tests that call
 * {@link Main#run}, get logback's provider, which finds the same configurator. A {@code logback.xml}
 * given with {@code -Dlogback.configurationFile} is read by logback's own set-up, as it would be
 * without this class.
 *
 * <p>Thread-safe after {@link #initialize}, which SLF4J calls once.
 */
public final class LogProvider implements SLF4JServiceProvider {

    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

    /** Called by SLF4J. */
    public LogProvider() {}

    @Override
    public void initialize() {
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        if (System.getProperty(LogConfigurator.CONFIGURATION_FILE) != null) {
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                // logback records the failure as a status, printed below.
            }
            new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
        } else {
            LogConfigurator configurator = new LogConfigurator();
            configurator.setContext(context);
            configurator.configure(context);
        }
        context.start();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return LogbackServiceProvider.REQUESTED_API_VERSION;
    }
}
