package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * The text line is written as the pattern it replaced wrote it, character for character: that pattern, with its
 * masking converters, is kept here as the reference.
 */
class TextLineTest {
    /** The text format's pattern before {@link TextLineLayout}. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{30} - "
            + "%maskedMsg%replace( [%mdc]){' \\[\\]', ''}%n%maskedEx";

    private final LoggerContext context = new LoggerContext();
    private final PatternLayout reference = reference(context);
    private final TextLineLayout layout = layout(context);

    private static PatternLayout reference(LoggerContext context) {
        Map<String, Supplier<DynamicConverter>> rules = new HashMap<>();
        rules.put("maskedMsg", MaskingMessageConverter::new);
        rules.put("maskedEx", MaskingThrowableConverter::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(TEXT_PATTERN);
        pattern.start();
        return pattern;
    }

    private static TextLineLayout layout(LoggerContext context) {
        TextLineLayout text = new TextLineLayout();
        text.setContext(context);
        text.start();
        return text;
    }

    @AfterEach
    void stop() {
        layout.stop();
        reference.stop();
        context.stop();
    }

    private LoggingEvent event(String logger, Level level, long time, String message, Object[] arguments,
                               Throwable failure, List<KeyValuePair> pairs, Map<String, String> mdc) {
        Logger named = context.getLogger(logger);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), named, level, message, failure, arguments);
        event.setTimeStamp(time);
        pairs.forEach(event::addKeyValuePair);
        event.setMDCPropertyMap(mdc);
        return event;
    }

    private void assertSameLine(LoggingEvent event) {
        assertEquals(reference.doLayout(event), layout.doLayout(event));
    }

    @Test
    void anAccessLineIsWrittenAsThePatternWroteIt() {
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("request_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        mdc.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
        mdc.put("span_id", "b7ad6b7169203331");
        List<KeyValuePair> pairs = List.of(new KeyValuePair("event", "access"), new KeyValuePair("method", "POST"),
                new KeyValuePair("endpoint", "/v1/chat/completions"), new KeyValuePair("status", 200),
                new KeyValuePair("duration_ms", 24.87), new KeyValuePair("bytes", 612L),
                new KeyValuePair("stream", false), new KeyValuePair("ttft_ms", null));
        LoggingEvent event = event("stackwatch.access", Level.INFO, 1_764_480_631_916L, "{} {} {} {} ms",
                new Object[] {"POST", "/v1/chat/completions", 200, 25L}, null, pairs, mdc);
        String line = layout.doLayout(event);
        assertEquals(reference.doLayout(event), line);
        assertTrue(line.startsWith("2025-11-30T05:30:31.916Z INFO  stackwatch.access - POST /v1/chat/completions"
                + " 200 25 ms event=\"access\""), line);
        assertTrue(line.endsWith("span_id=b7ad6b7169203331]" + CoreConstants.LINE_SEPARATOR), line);
    }

    @Test
    void secretsAreMaskedInTheMessageItsKeyValuesAndTheStackTrace() {
        List<KeyValuePair> pairs = List.of(new KeyValuePair("prompt", "use api_key=sk-123 please"),
                new KeyValuePair("header", "Authorization: Bearer tok-9"));
        LoggingEvent event = event("dev.stackwatch.provider.openai.OpenAiProvider", Level.ERROR, 1_000L,
                "upstream refused Bearer {}", new Object[] {"sk-live-0a1b"},
                new IllegalStateException("outer", new IllegalArgumentException("api_key=sk-live-0a1b")), pairs,
                Map.of("request_id", "r"));
        String line = layout.doLayout(event);
        assertEquals(reference.doLayout(event), line);
        assertFalse(line.contains("sk-live-0a1b") || line.contains("sk-123") || line.contains("tok-9"), line);
        assertTrue(line.contains("IllegalArgumentException: api_key=********"), line);
    }

    /** Times around second and day boundaries, before 1970, every level, names long and short, with and without MDC. */
    @Test
    void everyKindOfEventIsWrittenAsThePatternWroteIt() {
        Random random = new Random(21);
        long[] times = {0L, 999L, 1_000L, -1L, -1_001L, 86_399_999L, 86_400_000L, 1_764_480_631_000L,
            1_764_480_631_999L, 253_402_300_799_999L};
        String[] loggers = {"x", "stackwatch.access", "io.helidon.webserver.http1.Http1Connection",
            "dev.stackwatch.telemetry.metrics.otlp.OtlpSink", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.Last"};
        String[] messages = {"", "plain", "{} and {}", "braces {} left", "unicode \u00e9\u4e2d\ud83d\ude00",
            "a line\nwith a break", "ends with []", "Authorization: Basic dXNlcjpw", "{}"};
        Object[][] arguments = {null, {}, {"one"}, {"one", 2}, {null, 3.5}};
        Object[] values = {"v", "", null, 7, -2L, 0.1, true, "quote \" inside", "apikey:zzz", List.of(1, 2)};
        Level[] levels = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
        for (int n = 0; n < 3_000; n++) {
            long time = n < times.length ? times[n] : times[random.nextInt(times.length)] + random.nextInt(5_000);
            List<KeyValuePair> pairs = new ArrayList<>();
            for (int k = random.nextInt(4); k > 0; k--) {
                pairs.add(new KeyValuePair(random.nextInt(5) == 0 ? null : "key" + k,
                        values[random.nextInt(values.length)]));
            }
            Map<String, String> mdc = new LinkedHashMap<>();
            for (int k = random.nextInt(4); k > 0; k--) {
                mdc.put("m" + k, random.nextBoolean() ? "value" + k : "");
            }
            Throwable failure = random.nextInt(10) == 0 ? new IllegalStateException("failed with bearer t0k") : null;
            assertSameLine(event(loggers[random.nextInt(loggers.length)], levels[random.nextInt(levels.length)],
                    time, messages[random.nextInt(messages.length)], arguments[random.nextInt(arguments.length)],
                    failure, pairs, mdc));
        }
    }
}
