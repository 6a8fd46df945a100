package dev.stackwatch.security;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.TestServers;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    private static StackwatchServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = TestServers.start(SLOW_SIMULATOR + """
                server:
                  limits: {max_messages: 3, max_tokens: 100, max_concurrent_streams: 1, max_header_bytes: 4096,
                           max_json_depth: 5}
                """);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

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
        HttpResponse<String> res = http.send(request("/v1/models").header("X-Padding", "p".repeat(8000)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertErrorShape(res, 431, "headers_too_large");
        assertEquals(200, http.send(request("/v1/models").build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "the server serves the next client");
    }

    @Test
    void aSecondConcurrentStreamOverTheLimitIs503WithRetryAfter() throws Exception {
        String stream = "{\"model\":\"sim-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}";
        HttpResponse<InputStream> first = http.send(request("/v1/chat/completions")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(stream)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8))) {
            assertTrue(in.readLine().startsWith("data: "), "the first stream is under way");
            HttpResponse<String> second = post(stream);
            assertErrorShape(second, 503, "too_many_concurrent_requests");
            assertEquals("1", second.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(200, http.send(request("/v1/models").build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), "listing models holds no inference permit");
        }
    }

    @Test
    void requestsOverTheRatePerKeyAre429WithRetryAfter() throws Exception {
        try (StackwatchServer limited = TestServers.start(TestServers.FAST_SIMULATOR + """
                server:
                  auth:
                    api_keys:
                    - {name: a, token: token-a-0123456789abcdef}
                    - {name: b, token: token-b-0123456789abcdef}
                  limits: {requests_per_second: 0.01, burst: 2}
                """)) {
            URI models = URI.create("http://127.0.0.1:" + limited.port() + "/v1/models");
            for (int i = 0; i < 2; i++) {
                assertEquals(200, get(models, "token-a-0123456789abcdef").statusCode());
            }
            HttpResponse<String> refused = get(models, "token-a-0123456789abcdef");
            assertErrorShape(refused, 429, "rate_limit_exceeded");
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 100, "a whole number of seconds until the next token: " + retryAfter);
            assertEquals(200, get(models, "token-b-0123456789abcdef").statusCode(), "each key has its own bucket");
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + limited.port()
                    + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "probes are not limited");
        }
    }

    private static HttpResponse<String> get(URI uri, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return http.send(request("/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }
}
