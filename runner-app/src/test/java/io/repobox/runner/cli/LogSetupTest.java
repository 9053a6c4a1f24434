package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class LogSetupTest {

    private final LoggerContext context = new LoggerContext();

    private LoggingEvent event(Level level, String message, Throwable thrown, Object... arguments) {
        Logger logger = context.getLogger("io.repobox.runner.service.JobService");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, arguments);
        event.setTimeStamp(Instant.parse("2026-11-27T04:16:48.532Z").toEpochMilli());
        return event;
    }

    @Test
    void aTextLineHasTheTimeWithItsOffsetThePaddedLevelTheClassAndTheMessage() {
        LogSetup.TextLayout layout = new LogSetup.TextLayout();

        String line = layout.doLayout(event(Level.INFO, "Runner {} is taking jobs", null, "r-1"));

        String time = OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant().toString();
        assertThat(time).isEqualTo("2026-11-27T04:16:48.532Z");
        assertThat(line.substring(line.indexOf(' ') + 1)).isEqualTo("INFO  JobService - Runner r-1 is taking jobs" + System.lineSeparator());
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.532(Z|[+-]\\d\\d:\\d\\d) INFO  .*\\R");
        assertThat(layout.doLayout(event(Level.ERROR, "x", null))).contains(" ERROR JobService - x");
    }

    @Test
    void anExceptionFollowsItsLineWithItsStackTraceAndCause() {
        Exception thrown = new IllegalStateException("outer", new java.io.IOException("inner"));

        String text = new LogSetup.TextLayout().doLayout(event(Level.WARN, "failed", thrown));

        String[] lines = text.split("\\R");
        assertThat(lines[0]).endsWith(" WARN  JobService - failed");
        assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: outer");
        assertThat(lines[2]).startsWith("\tat io.repobox.runner.cli.LogSetupTest.anExceptionFollowsItsLineWithItsStackTraceAndCause");
        assertThat(text).contains("Caused by: java.io.IOException: inner").endsWith(System.lineSeparator());
    }

    @Test
    void theProviderConfiguresLogbackAsItsOwnAutoConfigurationWould() {
        LogProvider provider = new LogProvider();
        provider.initialize();

        LoggerContext made = (LoggerContext) provider.getLoggerFactory();
        Logger root = made.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("console")).isInstanceOf(ch.qos.logback.core.ConsoleAppender.class);
        assertThat(((ch.qos.logback.core.ConsoleAppender<?>) root.getAppender("console")).getTarget()).isEqualTo("System.err");
        assertThat(made.getLogger("io.lettuce").getLevel()).isEqualTo(Level.WARN);
        assertThat(made.isStarted()).isTrue();
        assertThat(provider.getMDCAdapter()).isNotNull();
        assertThat(provider.getMarkerFactory().getMarker("m").getName()).isEqualTo("m");
    }
}
