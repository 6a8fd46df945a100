package dev.stackwatch.security;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each configured limit refuses with its status, a clear message and, where waiting helps, Retry-After. */
class LimitsTest {
    private static final String SLOW_SIMULATOR = """
            version: 2
            providers:
              inference:
              - provider_id: simulator
                provider_type: inline::simulator
                config: {ttft_ms: 5, inter_token_ms: 500, jitter: 0, min_tokens: 40, max_tokens: 40}
            registered_resources:
              models:
              - {model_id: sim-chat, provider_id: simulator, model_type: llm}
            """;
    @RegisterExtension
    static final RunningServer server = new RunningServer(SLOW_SIMULATOR + """
            server:
              limits: {max_messages: 3, max_tokens: 100, max_concurrent_streams: 1, max_header_bytes: 4096,
                       max_json_depth: 5}
            """);

    @Test
    void tooManyMessagesAndTooManyTokensAre400NamingTheField() throws Exception {
        String four = "{\"role\":\"user\",\"content\":\"a\"},".repeat(3) + "{\"role\":\"user\",\"content\":\"a\"}";
        HttpResponse<String> messages = post("{\"model\":\"sim-chat\",\"messages\":[" + four + "]}");
        assertEquals("messages", assertErrorShape(messages, 400, "invalid_value").path("param").asText());
        assertTrue(messages.body().contains("at most 3"), messages.body());
        HttpResponse<String> tokens = post("{\"model\":\"sim-chat\",\"max_tokens\":101,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
        assertEquals("max_tokens", assertErrorShape(tokens, 400, "invalid_value").path("param").asText());
        assertTrue(tokens.body().contains("between 1 and 100"), tokens.body());
    }

    @Test
    void jsonDeeperThanTheConfiguredDepthIs400WhileParsing() throws Exception {
        // Object, messages array, message object: depth 3; content parts array and part object: depth 5.
        String atLimit = "{\"model\":\"sim-chat\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}]}";
        assertEquals(200, post(atLimit).statusCode(), "depth 5 is within max_json_depth: 5");
        HttpResponse<String> deeper = post("{\"model\":\"sim-chat\",\"messages\":[[[[[\"a\"]]]]]}");
        assertErrorShape(deeper, 400, "invalid_json");
        assertTrue(deeper.body().contains("nested too deeply (limit 5 levels)"), deeper.body());
    }

    @Test
    void oversizedHeadersAre431InTheErrorShape() throws Exception {
        HttpResponse<String> res = server.api().get("/v1/models", Map.of("X-Padding", "p".repeat(8000)));
        assertErrorShape(res, 431, "headers_too_large");
        assertEquals(200, server.api().get("/v1/models").statusCode(), "the server serves the next client");
    }

    @Test
    void aSecondConcurrentStreamOverTheLimitIs503WithRetryAfter() throws Exception {
        String stream = "{\"model\":\"sim-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}";
        HttpResponse<InputStream> first = server.api().send(server.api().request("/v1/chat/completions")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(stream)),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8))) {
            assertTrue(in.readLine().startsWith("data: "), "the first stream is under way");
            HttpResponse<String> second = post(stream);
            assertErrorShape(second, 503, "too_many_concurrent_requests");
            assertEquals("1", second.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(200, server.api().get("/v1/models").statusCode(), "listing models holds no inference permit");
        }
    }

    @Test
    void requestsOverTheRatePerKeyAre429WithRetryAfter() throws Exception {
        try (RunningServer limited = RunningServer.start(TestServers.FAST_SIMULATOR + """
                server:
                  auth:
                    api_keys:
                    - {name: a, token: token-a-0123456789abcdef}
                    - {name: b, token: token-b-0123456789abcdef}
                  limits: {requests_per_second: 0.01, burst: 2}
                """)) {
            Http http = limited.api();
            for (int i = 0; i < 2; i++) {
                assertEquals(200, http.get("/v1/models", Http.bearer("token-a-0123456789abcdef")).statusCode());
            }
            HttpResponse<String> refused = http.get("/v1/models", Http.bearer("token-a-0123456789abcdef"));
            assertErrorShape(refused, 429, "rate_limit_exceeded");
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 100, "a whole number of seconds until the next token: " + retryAfter);
            assertEquals(200, http.get("/v1/models", Http.bearer("token-b-0123456789abcdef")).statusCode(),
                    "each key has its own bucket");
            assertEquals(200, http.get("/v1/health").statusCode(), "probes are not limited");
        }
    }

    private static HttpResponse<String> post(String body) {
        return server.api().post("/v1/chat/completions", body);
    }
}
