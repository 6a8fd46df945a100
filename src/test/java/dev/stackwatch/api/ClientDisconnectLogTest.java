package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.LogCapture;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.TestServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A client that leaves mid-stream is one log line without a stack trace, however many leave. */
class ClientDisconnectLogTest {
    private static final int CLIENTS = 3;

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final LogCapture events = new LogCapture();
    /** Helidon logs through java.util.logging; the CLI bridges it to SLF4J, this test JVM does not. */
    private final java.util.logging.Logger helidon = java.util.logging.Logger.getLogger("io.helidon");
    private final List<LogRecord> helidonRecords = new CopyOnWriteArrayList<>();
    private final Handler helidonHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            helidonRecords.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private StackwatchServer server;

    @BeforeEach
    void capture() {
        events.start();
        root.addAppender(events);
        helidon.addHandler(helidonHandler);
    }

    @AfterEach
    void release() {
        root.detachAppender(events);
        helidon.removeHandler(helidonHandler);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eachClientThatLeavesMidStreamIsOneLineWithoutAStackTrace() throws Exception {
        server = TestServers.start("""
                version: 2
                providers:
                  inference:
                  - provider_id: simulator
                    provider_type: inline::simulator
                    config: {ttft_ms: 1, inter_token_ms: 20, jitter: 0, min_tokens: 1000, max_tokens: 1000}
                registered_resources:
                  models:
                  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
                """);
        String body = "{\"model\":\"sim-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (int i = 0; i < CLIENTS; i++) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII));
                for (String line = in.readLine(); line != null && !line.startsWith("data: {"); line = in.readLine()) {
                    // skip the status line and headers up to the first token
                }
            }
        }
        Polling.await(Duration.ofSeconds(10), "every stream to notice its client left", () -> Scrape.of(
                server.managementPort()).sum("llamastack_inference_requests_total", Map.of("outcome", "cancelled"))
                == CLIENTS);
        Polling.await(Duration.ofSeconds(5), "every access line", () -> events.snapshot().stream()
                .filter(e -> e.getLoggerName().equals("stackwatch.access")).count() >= CLIENTS);

        List<ILoggingEvent> other = events.snapshot().stream()
                .filter(e -> !e.getLoggerName().equals("stackwatch.access"))
                .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
                .filter(e -> !e.getLoggerName().contains("ProviderHealthChecks") && !e.getLoggerName().contains("HealthMonitor"))
                .toList();
        List<ILoggingEvent> disconnects = other.stream()
                .filter(e -> e.getFormattedMessage().contains("client disconnected")).toList();
        assertEquals(CLIENTS, disconnects.size(), other.stream().map(e -> e.getLoggerName() + " "
                + e.getFormattedMessage()).toList().toString());
        for (ILoggingEvent e : other) {
            assertNull(e.getThrowableProxy(), "no stack trace: " + e.getLoggerName() + " " + e.getFormattedMessage());
        }
        assertTrue(disconnects.stream().allMatch(e -> e.getMDCPropertyMap().containsKey("request_id")));
        assertEquals(List.of(), helidonRecords.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> r.getLevel() + " " + r.getMessage()).toList(), "no warning from Helidon");
    }
}
