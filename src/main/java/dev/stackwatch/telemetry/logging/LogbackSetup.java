package dev.stackwatch.telemetry.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.OutputStream;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import net.logstash.logback.stacktrace.ShortenedThrowableConverter;
import org.slf4j.LoggerFactory;

/**
 * Stackwatch's logging set-up, which logback finds through ServiceLoader (META-INF/services) when SLF4J makes the first
 * logger. In code rather than a logback.xml because parsing and interpreting the XML (Joran: a SAX parser and some 500
 * classes) was about a tenth of every start-up. {@code LOG_LEVEL} and {@code LOG_FORMAT} are looked up as logback's
 * {@code ${NAME}} would (context property, then system property, then environment); Cli has validated them already.
 */
public final class LogbackSetup extends ContextAwareBase implements Configurator {
    /** Fields named like credentials are masked whole in JSON lines; other strings go through SecretMask. */
    static final String MASKED_JSON_FIELDS = "authorization,api_key,x-api-key,password,secret";

    /** The system property with which an operator points logback at a configuration file of their own. */
    static final String OWN_CONFIGURATION = "logback.configurationFile";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(OWN_CONFIGURATION) != null) {
            // logback's own XML configurator, next in line, reads that file; this set-up stays out of its way.
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        setContext(context);
        // Level changes (from LOG_LEVEL or the /loggers endpoint) are pushed down to java.util.logging so that
        // Helidon's own fine-grained logging follows them instead of being cut at JUL's default INFO. First, so that
        // the levels set below reach JUL too.
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        propagator.start();
        context.addListener(propagator);

        // One appender, whose encoder depends on the format.
        BatchingConsoleAppender console =
                new BatchingConsoleAppender(writesJson(context) ? json(context) : text(context));
        console.setContext(context);
        console.setName("console");
        console.start();

        // A collector that is down: the OTLP metrics exporter logs when pushes start and stop failing and counts each
        // failed one in llamastack_telemetry_export_failures_total; the SDK's reader would warn at every interval.
        context.getLogger("io.opentelemetry.sdk.metrics.export.PeriodicMetricReader").setLevel(Level.ERROR);
        // The upstream client's event loop (Netty) logs its internals at DEBUG, several lines per connection; they stay
        // at INFO whatever LOG_LEVEL or the root level says, and POST /loggers/io.netty still turns them on.
        context.getLogger("io.netty").setLevel(Level.INFO);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(setting(context, "LOG_LEVEL", "info"), Level.INFO));
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * For the training run behind the start-up cache: until the returned action runs, every event is also encoded in
     * the format this process does not write, to nowhere, so that either format starts from the cache (text on a
     * console, JSON in the Kubernetes deployment). Does nothing under an operator's own logback configuration.
     */
    public static Runnable alsoEncodeInOtherFormat() {
        if (System.getProperty(OWN_CONFIGURATION) != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };
        }
        return alsoEncodeInOtherFormat(context);
    }

    static Runnable alsoEncodeInOtherFormat(LoggerContext context) {
        OutputStreamAppender<ILoggingEvent> other = new OutputStreamAppender<>();
        other.setContext(context);
        other.setName("other-format");
        other.setEncoder(writesJson(context) ? text(context) : json(context));
        other.setOutputStream(OutputStream.nullOutputStream());
        other.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(other);
        return () -> {
            root.detachAppender(other);
            other.stop();
        };
    }

    /** One human-readable line per event; key-values and MDC values (request_id, trace_id, span_id) after the message. */
    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        TextLineLayout layout = new TextLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    /**
     * One JSON object per line, field names as documented in docs/observability.md. MDC values (request_id, trace_id,
     * span_id) and SLF4J key-values become top-level fields.
     */
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        return json(context, true);
    }

    /** {@code plainFields} false: the encoder's own MDC and key-value providers, which the test takes as reference. */
    static LogstashEncoder json(LoggerContext context, boolean plainFields) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setTimeZone("UTC");
        encoder.getFieldNames().setLogger("logger");
        encoder.getFieldNames().setThread("thread");
        encoder.getFieldNames().setVersion("[ignore]");
        encoder.getFieldNames().setLevelValue("[ignore]");
        // A stack trace is one JSON string (newlines escaped), trimmed so one failure never floods the log.
        ShortenedThrowableConverter stackTraces = new ShortenedThrowableConverter();
        stackTraces.setMaxDepthPerThrowable(40);
        stackTraces.setMaxLength(8192);
        stackTraces.setRootCauseFirst(true);
        stackTraces.setContext(context);
        stackTraces.start();
        encoder.setThrowableConverter(stackTraces);
        MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
        masking.addPaths(MASKED_JSON_FIELDS);
        masking.addValueMasker(new MaskingValueMasker());
        masking.start();
        encoder.setJsonGeneratorDecorator(masking);
        if (plainFields) {
            // The MDC and the key-values by providers of our own, in the same place and shape: the encoder's own ones
            // send every value through the object mapper, a third of an access line's CPU (AccessLineBenchmark).
            encoder.setIncludeMdc(false);
            encoder.setIncludeKeyValuePairs(false);
            encoder.addProvider(new MdcFields());
            encoder.addProvider(new KeyValueFields());
        }
        encoder.start();
        return encoder;
    }

    /** Whether this process logs JSON ({@code LOG_FORMAT=json}) rather than text lines. */
    private static boolean writesJson(LoggerContext context) {
        return "json".equals(setting(context, "LOG_FORMAT", "text"));
    }

    private static String setting(LoggerContext context, String name, String fallback) {
        String value = context.getProperty(name);
        if (value == null) {
            value = System.getProperty(name);
        }
        if (value == null) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
