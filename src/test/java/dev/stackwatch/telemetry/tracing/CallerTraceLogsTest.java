package dev.stackwatch.telemetry.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.LogCapture;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.TestServers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * With tracing off (no OTLP endpoint), a caller's {@code traceparent} still ties this server's log lines to the
 * caller's trace: every line of the request carries its trace id and the caller's span id, and the response says
 * {@code x-trace-id}, for a sampled caller and an unsampled one alike.
 */
class CallerTraceLogsTest {
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final LogCapture events = new LogCapture();
    private final HttpCalls http = new HttpCalls();
    private StackwatchServer server;

    @BeforeEach
    void capture() {
        events.start();
        root.addAppender(events);
    }

    @AfterEach
    void release() {
        root.detachAppender(events);
        http.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyLogLineOfATracedRequestCarriesTheCallersTraceWithoutExport() {
        assertEquals(Optional.empty(), TracingSettings.fromEnv(Map.of()), "tracing is off");
        server = TestServers.startAndAwait(TestServers.config(TestServers.FAST_SIMULATOR), TelemetrySettings.fromEnv(
                Map.of()));
        String api = "http://127.0.0.1:" + server.port();
        for (String flags : List.of("01", "00")) {
            String traceId = flags.equals("01") ? "4bf92f3577b34da6a3ce929d0e0e4736" : "5bf92f3577b34da6a3ce929d0e0e4737";
            String traceparent = "00-" + traceId + "-" + CALLER_SPAN + "-" + flags;
            HttpResponse<String> chat = http.send(api + "/v1/chat/completions", """
                    {"model": "sim-chat", "stream": true, "messages": [{"role": "user", "content": "hi"}]}""",
                    "traceparent", traceparent);
            HttpResponse<String> missing = http.send(api + "/v1/chat/completions", """
                    {"model": "no-such-model", "messages": [{"role": "user", "content": "hi"}]}""",
                    "traceparent", traceparent);
            assertEquals(200, chat.statusCode());
            assertEquals(404, missing.statusCode());
            for (HttpResponse<String> res : List.of(chat, missing)) {
                assertEquals(Optional.of(traceId), res.headers().firstValue("x-trace-id"), flags);
                String requestId = res.headers().firstValue("x-request-id").orElseThrow();
                List<ILoggingEvent> lines = Polling.awaitValue(Duration.ofSeconds(5), "the request's access line",
                        () -> {
                            List<ILoggingEvent> mine = events.snapshot().stream()
                                    .filter(e -> requestId.equals(e.getMDCPropertyMap().get("request_id"))).toList();
                            return mine.stream().anyMatch(e -> e.getLoggerName().equals("stackwatch.access"))
                                    ? mine : null;
                        });
                assertFalse(lines.isEmpty());
                for (ILoggingEvent line : lines) {
                    assertEquals(traceId, line.getMDCPropertyMap().get("trace_id"), line.getFormattedMessage());
                    assertEquals(CALLER_SPAN, line.getMDCPropertyMap().get("span_id"), line.getFormattedMessage());
                }
            }
        }
        HttpResponse<String> untraced = http.send(api + "/v1/models", null);
        assertEquals(Optional.empty(), untraced.headers().firstValue("x-trace-id"));
        assertTrue(events.snapshot().stream().noneMatch(e -> e.getMDCPropertyMap().containsKey("trace_id")
                && e.getMDCPropertyMap().get("request_id") != null
                && e.getMDCPropertyMap().get("request_id").equals(untraced.headers().firstValue("x-request-id")
                        .orElseThrow())), "no caller trace, no trace id");
    }
}
