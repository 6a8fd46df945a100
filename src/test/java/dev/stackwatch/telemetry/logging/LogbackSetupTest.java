package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.List;
import java.util.ServiceLoader;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the shipped set-up does besides formatting lines (LogFormatTest and JsonLogsProcessTest cover those): the
 * levels it pins, the root level from LOG_LEVEL, java.util.logging following level changes, and that logback finds
 * it in place of any XML configuration.
 */
class LogbackSetupTest {
    private static final List<String> UPSTREAM_CLIENT = List.of("io.netty", "io.netty.channel.epoll");

    @Test
    void rootFollowsLogLevelWhileTheUpstreamClientAndTheMetricReaderKeepTheirLevels() {
        java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
        java.util.logging.Level julRootBefore = julRoot.getLevel();
        LoggerContext context = new LoggerContext();
        context.putProperty("LOG_LEVEL", "debug");
        try {
            new LogbackSetup().configure(context);
            assertEquals(Level.DEBUG, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
            UPSTREAM_CLIENT.forEach(name -> assertEquals(Level.INFO, context.getLogger(name).getEffectiveLevel(), name));
            assertEquals(Level.ERROR,
                    context.getLogger("io.opentelemetry.sdk.metrics.export.PeriodicMetricReader").getEffectiveLevel());
            assertEquals(Level.DEBUG, context.getLogger("io.helidon.webserver").getEffectiveLevel());
        } finally {
            context.stop();
            julRoot.setLevel(julRootBefore);
        }
    }

    @Test
    void theTrainingRunAlsoEncodesEveryEventInTheOtherFormatUntilItIsDone() {
        for (String format : List.of("text", "json")) {
            LoggerContext context = new LoggerContext();
            context.putProperty("LOG_FORMAT", format);
            try {
                new LogbackSetup().configure(context);
                Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
                Runnable off = LogbackSetup.alsoEncodeInOtherFormat(context);
                OutputStreamAppender<ILoggingEvent> appender =
                        assertInstanceOf(OutputStreamAppender.class, root.getAppender("other-format"));
                assertTrue(appender.isStarted());
                if (format.equals("text")) {
                    assertInstanceOf(LogstashEncoder.class, appender.getEncoder());
                } else {
                    assertInstanceOf(TextLineLayout.class,
                            assertInstanceOf(LayoutWrappingEncoder.class, appender.getEncoder()).getLayout());
                }
                root.info("through both encoders");
                off.run();
                assertFalse(appender.isStarted());
                assertNull(root.getAppender("other-format"), format);
            } finally {
                context.stop();
            }
        }
    }

    @Test
    void anOperatorsOwnConfigurationFileIsLeftToLogbacksXmlConfigurator() {
        LoggerContext context = new LoggerContext();
        System.setProperty(LogbackSetup.OWN_CONFIGURATION, "/etc/stackwatch/logback.xml");
        try {
            assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new LogbackSetup().configure(context));
            assertEquals(false, context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
        } finally {
            System.clearProperty(LogbackSetup.OWN_CONFIGURATION);
            context.stop();
        }
        LoggerContext without = new LoggerContext();
        try {
            assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new LogbackSetup().configure(without));
        } finally {
            without.stop();
        }
    }

    @Test
    void javaUtilLoggingFollowsLevelChanges() {
        LoggerContext context = new LoggerContext();
        String name = "dev.stackwatch.jul-follows-test";
        // JUL holds its loggers weakly: keep this one for the test's length.
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(name);
        try {
            new LogbackSetup().configure(context);
            context.getLogger(name).setLevel(Level.DEBUG);
            assertEquals(java.util.logging.Level.FINE, jul.getLevel());
            context.getLogger(name).setLevel(Level.WARN);
            assertEquals(java.util.logging.Level.WARNING, jul.getLevel());
        } finally {
            context.stop();
            jul.setLevel(null);
        }
    }

    @Test
    void logbackFindsTheSetUpAndUsesIt() {
        List<Configurator> found = ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::get)
                .toList();
        assertEquals(1, found.size(), found.toString());
        assertInstanceOf(LogbackSetup.class, found.getFirst());
        // The test JVM's own logging was set up by it too: its context carries the JUL propagator.
        LoggerContext running = (LoggerContext) LoggerFactory.getILoggerFactory();
        List<LoggerContextListener> listeners = running.getCopyOfListenerList();
        assertEquals(1, listeners.stream()
                .filter(LevelChangePropagator.class::isInstance).count(), listeners.toString());
    }
}
