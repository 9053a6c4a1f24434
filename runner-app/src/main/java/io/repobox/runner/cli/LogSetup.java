package io.repobox.runner.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The runner's logging, set up in code (found by logback through its service file): logs go to
 * stderr, so that stdout carries only what a command prints for a person or a script, and logback
 * never prints its own status list there. LOG_FORMAT=json gives one JSON object per line; LOG_LEVEL
 * sets the level ({@link RunnerCommand} makes the default INFO for serve and WARN for the other commands,
 * whose console has the job's own lines). Also faster than parsing an XML file at every start.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Encoder<ILoggingEvent> encoder;
        if ("json".equalsIgnoreCase(setting("LOG_FORMAT"))) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMDC(false);
            json.setWithArguments(false);
            json.setWithMessage(false);
            json.setWithFormattedMessage(true);
            encoder = json;
        } else {
            TextLayout layout = new TextLayout();
            layout.setContext(context);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>();
            text.setLayout(layout);
            encoder = text;
        }
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("console");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(setting("LOG_LEVEL"), Level.INFO));
        root.addAppender(appender);
        context.getLogger("io.lettuce").setLevel(Level.WARN);
        context.getLogger("io.netty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String setting(String name) {
        String v = System.getProperty(name);
        return v != null ? v : System.getenv(name);
    }

    /**
     * The text line: {@code 2026-11-27T04:16:48.532+01:00 INFO  JobService - message}, then the stack
     * trace of an exception, as the pattern {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n}
     * would print it. Written out rather than parsed from that pattern: logback's pattern compiler
     * instantiates its converters reflectively, and its class loader helper loads the JDK's security
     * policy on first use, some 20 ms of processor time at each start of a command that logs a few lines at most.
     */
    static final class TextLayout extends LayoutBase<ILoggingEvent> {

        /** Made at the first line, not when logging is set up: most commands never log one. */
        private static final class Time {
            static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        }

        @Override
        public String doLayout(ILoggingEvent event) {
            StringBuilder line = new StringBuilder(128);
            line.append(Time.FORMAT.format(Instant.ofEpochMilli(event.getTimeStamp()).atZone(ZoneId.systemDefault()))).append(' ');
            String level = event.getLevel().toString();
            line.append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ');
            String logger = event.getLoggerName();
            line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ");
            line.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
            }
            return line.toString();
        }
    }
}
