package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * The JSON lines' MDC and key-value fields, written by Stackwatch's providers, are byte for byte what the encoder's
 * own providers write, masking included, for every kind of value an event can carry.
 */
class JsonFieldsTest {
    private final LoggerContext context = new LoggerContext();
    private final LogstashEncoder shipped = LogbackSetup.json(context, true);
    private final LogstashEncoder reference = LogbackSetup.json(context, false);

    @AfterEach
    void stop() {
        shipped.stop();
        reference.stop();
        context.stop();
    }

    @Test
    void everyKindOfValueComesOutAsTheEncodersOwnProvidersWriteIt() {
        LoggingEvent event = event("POST /v1/chat/completions 200 {} ms", Map.of("request_id", "4bf9", "trace_id",
                "0af7", "span_id", "b7ad"), List.of(
                pair("event", "access"), pair("status", 200), pair("bytes", 612L), pair("duration_ms", 24.87),
                pair("stream", false), pair("error", null), pair("tags", List.of("a", "b")),
                pair("note", "quote \" and \\ and \n and \u00e9 and \ud83d\ude00")));
        assertSame(event);
    }

    @Test
    void secretsAreMaskedAlikeByFieldNameAndByValue() {
        LoggingEvent event = event("m", Map.of("api_key", "k-1", "request_id", "Bearer tok-9"), List.of(
                pair("authorization", "Bearer abc"), pair("password", 42), pair("note", "Authorization: Bearer xyz"),
                pair("client", "api_key=sk-live-1")));
        String line = assertSame(event);
        assertFalse(line.contains("abc") || line.contains("xyz") || line.contains("sk-live-1") || line.contains("tok-9")
                || line.contains("k-1"), line);
    }

    @Test
    void anEventWithoutMdcOrKeyValuesHasNeither() {
        assertSame(event("plain", Map.of(), null));
    }

    private String assertSame(LoggingEvent event) {
        String expected = new String(reference.encode(event), StandardCharsets.UTF_8);
        String actual = new String(shipped.encode(event), StandardCharsets.UTF_8);
        assertEquals(expected, actual);
        return actual;
    }

    private LoggingEvent event(String message, Map<String, String> mdc, List<KeyValuePair> pairs) {
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("stackwatch.access"), Level.INFO,
                message, null, new Object[] {25});
        event.setMDCPropertyMap(mdc);
        if (pairs != null) {
            pairs.forEach(event::addKeyValuePair);
        }
        return event;
    }

    private static KeyValuePair pair(String key, Object value) {
        return new KeyValuePair(key, value);
    }
}
