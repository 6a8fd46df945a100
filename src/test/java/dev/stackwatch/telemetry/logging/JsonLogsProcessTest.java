package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.OtlpReceiver.Received;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.ServerProcess;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a real process with LOG_FORMAT=json and debug logging (so Helidon prints request headers too): every
 * line it writes is one JSON object with the documented fields, the access log ties to the response headers and the
 * exported spans, and no secret or prompt ever leaves the process.
 */
class JsonLogsProcessTest {
    static final String CONFIG_SECRET = "sk-config-secret-7f3a9";
    static final String CLIENT_SECRET = "sk-client-secret-b81c2";
    static final String PROMPT_MARKER = "PROMPT-MARKER-4e1d";
    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    /** A parent that was not sampled: without it the default 0.1 ratio would sample this request now and then. */
    static final String UNSAMPLED_TRACE_ID = "1af7651916cd43dd8448eb211c80319d";
    /** The fast simulator with a secret in its provider config, which must never be shown. */
    static final String CONFIG = TestServers.FAST_SIMULATOR.replace("max_tokens: 24}",
            "max_tokens: 24, api_key: " + CONFIG_SECRET + "}");

    static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpCalls http = new HttpCalls();

    @Test
    void everyLineIsJsonAndTheAccessLogTiesRequestIdsTracesAndSpansTogether(@TempDir Path dir) throws IOException {
        assertTrue(CONFIG.contains(CONFIG_SECRET), "the test config carries the secret");
        Path config = Files.writeString(dir.resolve("run.yaml"), CONFIG);
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            ServerProcess server = new ServerProcess(dir, Map.of(
                    "LOG_FORMAT", "json",
                    "LOG_LEVEL", "debug",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                    "OTEL_BSP_SCHEDULE_DELAY", "50"), "--config", config.toString());
            HttpResponse<String> chat;
            HttpResponse<String> embeddings;
            HttpResponse<String> providers;
            try {
                String api = "http://127.0.0.1:" + server.port();
                chat = http.send(api + "/v1/chat/completions", """
                        {"model": "sim-chat", "stream": true,
                         "messages": [{"role": "user", "content": "%s"}]}""".formatted(PROMPT_MARKER),
                        "Authorization", "Bearer " + CLIENT_SECRET, "x-request-id", "client-req.42",
                        "traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01");
                embeddings = http.send(api + "/v1/embeddings", "{\"model\":\"sim-embed\",\"input\":\"x\"}",
                        "Authorization", "Bearer " + CLIENT_SECRET, "x-request-id", "bad id with spaces",
                        "traceparent", "00-" + UNSAMPLED_TRACE_ID + "-b7ad6b7169203331-00");
                providers = http.send(api + "/v1/providers", null, "Authorization", "Bearer " + CLIENT_SECRET);
                assertEquals(404, http.send(api + "/no/such/route", null).statusCode());
                assertEquals(200, http.send("http://127.0.0.1:" + server.managementPort() + "/health", null)
                        .statusCode());
                Polling.await(Duration.ofSeconds(10), "the chat's spans", () -> receiver.trace(TRACE_ID).size() >= 2);
                Polling.await(Duration.ofSeconds(10), "4 access lines", () -> server.stdout().stream()
                        .filter(l -> l.contains("\"event\":\"access\"") && l.contains("\"INFO\"")).count() >= 4);
            } finally {
                server.close();
            }
            assertEquals(200, chat.statusCode(), chat.body());
            assertEquals(TRACE_ID, chat.headers().firstValue("x-trace-id").orElseThrow());
            assertEquals("client-req.42", chat.headers().firstValue("x-request-id").orElseThrow());
            String generatedId = embeddings.headers().firstValue("x-request-id").orElseThrow();
            assertTrue(generatedId.matches("[0-9a-f]{32}"), "a malformed incoming id is replaced: " + generatedId);
            assertFalse(providers.body().contains(CONFIG_SECRET), "/v1/providers masks the api_key");
            assertTrue(providers.body().contains("********"), providers.body());

            List<JsonNode> lines = parseAll(server.stdout());
            JsonNode access = accessLine(lines, "client-req.42");
            assertEquals("INFO", access.get("level").asText());
            assertEquals("stackwatch.access", access.get("logger").asText());
            assertEquals("POST", access.get("method").asText());
            assertEquals("/v1/chat/completions", access.get("endpoint").asText());
            assertEquals(200, access.get("status").asInt());
            assertTrue(access.get("duration_ms").asDouble() > 0);
            assertTrue(access.get("bytes").asLong() > 0);
            assertEquals("sim-chat", access.get("model").asText());
            assertEquals("simulator", access.get("provider").asText());
            assertTrue(access.get("stream").asBoolean());
            assertTrue(access.get("input_tokens").asInt() > 0);
            assertTrue(access.get("output_tokens").asInt() > 0);
            assertTrue(access.get("ttft_ms").asDouble() > 0);
            assertEquals("127.0.0.1", access.get("client_address").asText());
            assertFalse(access.has("prompt"), "prompts are not logged unless LOG_PROMPTS=true");

            List<Received> spans = receiver.trace(TRACE_ID);
            Received serverSpan = spans.stream().filter(s -> s.name().equals("POST /v1/chat/completions"))
                    .findFirst().orElseThrow();
            assertEquals(TRACE_ID, access.get("trace_id").asText(), "the access line carries the trace id");
            assertEquals(serverSpan.spanId(), access.get("span_id").asText(), "and the server span's id");
            assertTrue(spans.stream().anyMatch(s -> s.name().equals("chat sim-chat")
                    && s.parentSpanId().equals(serverSpan.spanId())), "the provider call's span is its child");

            assertEquals("/v1/embeddings", accessLine(lines, generatedId).get("endpoint").asText());
            assertEquals(UNSAMPLED_TRACE_ID, accessLine(lines, generatedId).path("trace_id").asText(),
                    "an unsampled caller's trace id still joins the logs");
            assertEquals(UNSAMPLED_TRACE_ID, embeddings.headers().firstValue("x-trace-id").orElseThrow());
            assertTrue(receiver.trace(UNSAMPLED_TRACE_ID).isEmpty());
            assertTrue(lines.stream().anyMatch(l -> isAccess(l) && l.path("status").asInt() == 404
                    && "other".equals(l.path("endpoint").asText())), "unmatched routes are 'other'");
            assertTrue(lines.stream().noneMatch(l -> isAccess(l) && "INFO".equals(l.path("level").asText())
                    && "/health".equals(l.path("endpoint").asText())), "management probes are not logged at info");
            // Whatever dumps headers at debug (Helidon does with its default HTTP/1 listeners), the value is masked.
            assertTrue(server.stdout().stream().filter(l -> l.contains("Authorization:"))
                    .allMatch(l -> l.contains("Authorization: ********")), "every logged Authorization header is masked");
            for (String line : concat(server.stdout(), server.stderr())) {
                for (String secret : List.of(CONFIG_SECRET, CLIENT_SECRET, PROMPT_MARKER)) {
                    assertFalse(line.contains(secret), "leaked " + secret + ": " + line);
                }
            }
            assertEquals(List.of(), server.stderr(), "nothing but JSON, and all of it on stdout");
        }
    }

    private static boolean isAccess(JsonNode line) {
        return "access".equals(line.path("event").asText());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private List<JsonNode> parseAll(List<String> stdout) {
        assertFalse(stdout.isEmpty());
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : stdout) {
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not one JSON object per line: " + line, e);
            }
            if (node == null || !node.isObject()) {
                fail("not a JSON object: " + line);
            }
            Instant.parse(node.get("@timestamp").asText()); // ISO-8601
            assertTrue(node.get("@timestamp").asText().endsWith("Z"), "UTC: " + line);
            assertTrue(LEVELS.contains(node.get("level").asText()), "upper-case level: " + line);
            assertNotNull(node.get("logger"), line);
            assertNotNull(node.get("message"), line);
            parsed.add(node);
        }
        return parsed;
    }

    private static JsonNode accessLine(List<JsonNode> lines, String requestId) {
        return lines.stream().filter(l -> isAccess(l) && requestId.equals(l.path("request_id").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no access line for request " + requestId));
    }
}
