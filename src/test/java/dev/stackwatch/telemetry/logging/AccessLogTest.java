package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.testing.LogCapture;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log as events, in-process: prompts only on request, probes only at debug. */
class AccessLogTest {
    private final Logger access = (Logger) LoggerFactory.getLogger("stackwatch.access");
    private final LogCapture events = new LogCapture();
    private RunningServer server;

    @BeforeEach
    void capture() {
        events.start();
        access.addAppender(events);
    }

    @AfterEach
    void release() {
        access.detachAppender(events);
        access.setLevel(null);
        if (server != null) {
            server.close();
        }
    }

    private Map<String, Object> awaitEvent(String endpoint) {
        ILoggingEvent event = Polling.awaitValue(Duration.ofSeconds(5), "an access event for " + endpoint,
                () -> events.snapshot().stream().filter(e -> fields(e).get("endpoint").equals(endpoint)).findFirst()
                        .orElse(null));
        return fields(event);
    }

    private static Map<String, Object> fields(ILoggingEvent event) {
        return Optional.ofNullable(event.getKeyValuePairs()).orElse(List.of()).stream()
                .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    @Test
    void promptsAndCompletionsAreLoggedOnlyWhenAskedFor() {
        String chat = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"tell me a secret\"}]}";
        server = RunningServer.start(TestServers.config(TestServers.FAST_SIMULATOR),
                TelemetrySettings.fromEnv(Map.of("LOG_PROMPTS", "true")));
        assertEquals(200, server.api().post("/v1/chat/completions", chat).statusCode());
        Map<String, Object> logged = awaitEvent("/v1/chat/completions");
        assertTrue(String.valueOf(logged.get("prompt")).contains("tell me a secret"), logged.toString());
        assertTrue(!String.valueOf(logged.getOrDefault("completion", "")).isEmpty(), logged.toString());
        assertEquals(false, logged.get("stream"));
        assertTrue(!logged.containsKey("ttft_ms"), "a whole response has no time to first token");
        server.close();
        events.clear();

        server = RunningServer.start(TestServers.FAST_SIMULATOR);
        assertEquals(200, server.api().post("/v1/chat/completions", chat).statusCode());
        Map<String, Object> quiet = awaitEvent("/v1/chat/completions");
        assertTrue(!quiet.containsKey("prompt") && !quiet.containsKey("completion"), quiet.toString());
        assertEquals("sim-chat", quiet.get("model"));
    }

    @Test
    void managementProbesAreAccessLoggedAtDebugOnly() {
        server = RunningServer.start(TestServers.FAST_SIMULATOR);
        assertEquals(200, server.management().get("/health").statusCode());
        assertEquals(200, server.api().get("/v1/models").statusCode());
        awaitEvent("/v1/models");
        assertTrue(events.snapshot().stream().allMatch(e -> e.getLevel() == Level.INFO
                && !e.getFormattedMessage().contains("/health")), "at info, no probe is logged");

        access.setLevel(Level.DEBUG);
        assertEquals(200, server.management().get("/health").statusCode());
        Polling.await(Duration.ofSeconds(5), "the probe at debug", () -> events.snapshot().stream()
                .anyMatch(e -> e.getLevel() == Level.DEBUG && e.getFormattedMessage().startsWith("GET other 200")));
    }

    @Test
    void probesOnAPortSharedWithTheApiAreStillDebugOnly() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        var config = TestServers.config(TestServers.FAST_SIMULATOR);
        server = RunningServer.start(config.withServer(config.server().onLoopback(port, port)));
        assertEquals(port, server.port());
        assertEquals(server.port(), server.managementPort());
        assertEquals(200, server.api().get("/health").statusCode());
        assertEquals(200, server.api().get("/metrics").statusCode());
        assertEquals(200, server.api().get("/v1/models").statusCode());
        awaitEvent("/v1/models");
        assertEquals(List.of("GET /v1/models 200"), events.snapshot().stream()
                .map(e -> e.getFormattedMessage().replaceAll(" \\d+ ms$", "")).toList(), "only the API call at info");
    }
}
