package io.repobox.runner.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's way into the command line's logging: logback, configured by {@link LogSetup} directly.
 * logback's own provider reaches the same configuration through its auto-configuration, which a
 * process that logs a few lines at most pays for at every start (about 15 ms of processor time,
 * on the thread that prepares the Redis client, which {@code run} and the client commands wait
 * for): service lookups of SLF4J providers and logback configurators, and the first string
 * concatenation through {@code invokedynamic} in the process (see {@code LogSetup.TextLayout} for
 * the other 20 ms). The result is the same
 * logger context. {@link #select()} names this provider to SLF4J (whose own service lookup is then
 * skipped too); code that embeds the runner's modules keeps logback's provider and the same
 * {@link LogSetup} through logback's service file.
 */
public final class LogProvider implements SLF4JServiceProvider {

    private LoggerContext context;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    /**
     * Makes this provider SLF4J's, unless {@code slf4j.provider} names one already; SLF4J's own notice
     * that it loads the named provider is kept off the console (its warnings and errors are not). Call
     * before anything logs.
     */
    static void select() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", LogProvider.class.getName());
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    @Override
    public void initialize() {
        LoggerContext c = new LoggerContext();
        c.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        LogSetup setup = new LogSetup();
        setup.setContext(c);
        setup.configure(c);
        c.start();
        LogbackMDCAdapter adapter = new LogbackMDCAdapter();
        c.setMDCAdapter(adapter);
        markers = new BasicMarkerFactory();
        mdc = adapter;
        context = c;
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
        return "2.0.99";
    }
}
