package dev.stackwatch.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.SimulatorUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** remote::openai and remote::vllm against the simulator running as a real HTTP upstream. */
class OpenAiProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SimulatorUpstream upstream;
    private static RunningServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        upstream = SimulatorUpstream.start("{ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 8, max_tokens: 16}");
        server = RunningServer.start("""
                version: 2
                providers:
                  inference:
                  - provider_id: openai
                    provider_type: remote::openai
                    config: {base_url: "%1$s", api_key: sk-very-secret}
                  - provider_id: vllm
                    provider_type: remote::vllm
                    config: {url: "%1$s", api_token: also-secret}
                  - provider_id: found
                    provider_type: remote::vllm
                    config: {url: "%1$s", discover_models: true}
                registered_resources:
                  models:
                  - {model_id: gpt, provider_id: openai, provider_model_id: sim-chat, model_type: llm}
                  - {model_id: llama, provider_id: vllm, provider_model_id: sim-chat, model_type: llm}
                  - {model_id: embed, provider_id: openai, provider_model_id: sim-embed, model_type: embedding}
                  - {model_id: missing, provider_id: vllm, provider_model_id: not-served, model_type: llm}
                """.formatted(upstream.baseUrl()));
        http = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
        upstream.close();
    }

    @Test
    void chatIsForwardedAndAnswered() throws Exception {
        for (String model : new String[] {"gpt", "llama"}) {
            HttpResponse<String> res = http.post("/v1/chat/completions", """
                    {"model": "%s", "messages": [{"role": "user", "content": "hello"}], "max_tokens": 5}
                    """.formatted(model));
            assertEquals(200, res.statusCode(), res.body());
            JsonNode body = JSON.readTree(res.body());
            assertEquals(model, body.path("model").asText(), "the client sees its own model id, not the upstream's");
            assertFalse(body.path("choices").path(0).path("message").path("content").asText().isBlank());
            assertEquals("length", body.path("choices").path(0).path("finish_reason").asText());
            assertEquals(5, body.path("usage").path("completion_tokens").asInt());
        }
    }

    @Test
    void streamedChatArrivesAsChunksWithUsage() throws Exception {
        HttpResponse<String> res = http.post("/v1/chat/completions", """
                {"model": "llama", "messages": [{"role": "user", "content": "hi"}], "stream": true,
                 "max_tokens": 6, "stream_options": {"include_usage": true}}
                """);
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        StringBuilder text = new StringBuilder();
        int contentChunks = 0;
        JsonNode usage = null;
        String finish = null;
        for (String line : res.body().split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                continue;
            }
            JsonNode chunk = JSON.readTree(line.substring(6));
            JsonNode choice = chunk.path("choices").path(0);
            if (choice.path("delta").path("content").isTextual() && !choice.path("delta").path("content").asText().isEmpty()) {
                text.append(choice.path("delta").path("content").asText());
                contentChunks++;
            }
            if (choice.path("finish_reason").isTextual()) {
                finish = choice.path("finish_reason").asText();
            }
            if (chunk.path("usage").isObject()) {
                usage = chunk.get("usage");
            }
        }
        assertTrue(res.body().endsWith("data: [DONE]\n\n"));
        assertEquals(6, contentChunks, "each upstream token is its own chunk: " + res.body());
        assertFalse(text.toString().isBlank());
        assertEquals("length", finish);
        assertEquals(6, usage.path("completion_tokens").asInt());
    }

    @Test
    void upstreamConnectionsAreKeptAliveAndReused() {
        String marker = "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01";
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> res = http.post("/v1/chat/completions", """
                    {"model": "llama", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 3,
                     "stream": %s}""".formatted(i % 2 == 0), Map.of("traceparent", marker));
            assertEquals(200, res.statusCode(), res.body());
        }
        // The upstream records a request after its handler returns, which can be just after the client has the
        // whole answer.
        Polling.await(Duration.ofSeconds(5), "the upstream recorded all 10 requests",
                () -> upstream.inferenceRequests(null).stream().filter(s -> marker.equals(s.traceparent())).count() >= 10);
        List<SimulatorUpstream.Seen> seen = upstream.inferenceRequests(null).stream()
                .filter(s -> marker.equals(s.traceparent())).toList();
        assertEquals(10, seen.size());
        // Without keep-alive every request would open its own connection (10 ports). The pool also holds connections
        // opened by model-load and background health checks and hands out any idle one, so a few ports are expected.
        assertTrue(seen.stream().map(SimulatorUpstream.Seen::clientPort).distinct().count() <= 5,
                "sequential requests, streamed or not, reuse pooled connections: " + seen);
    }

    @Test
    void completionsAndEmbeddingsAreForwarded() throws Exception {
        HttpResponse<String> completion = http.post("/v1/completions", """
                {"model": "gpt", "prompt": "Once upon a time", "max_tokens": 4}
                """);
        assertEquals(200, completion.statusCode(), completion.body());
        assertFalse(JSON.readTree(completion.body()).path("choices").path(0).path("text").asText().isBlank());

        HttpResponse<String> embedding = http.post("/v1/embeddings", """
                {"model": "embed", "input": ["a", "b"], "dimensions": 16}
                """);
        assertEquals(200, embedding.statusCode(), embedding.body());
        JsonNode data = JSON.readTree(embedding.body()).path("data");
        assertEquals(2, data.size());
        assertEquals(16, data.path(1).path("embedding").size());
    }

    @Test
    void discoveredModelsAreRegisteredLoadedAndServed() throws Exception {
        Polling.await(Duration.ofSeconds(10), "discovered models to be ready", () -> server.get().catalog().models().stream()
                .filter(m -> m.id().startsWith("sim-"))
                .filter(m -> server.get().catalog().state(m.id()) instanceof ModelState.Ready).count() == 2);
        JsonNode embed = JSON.readTree(http.get("/v1/models/sim-embed").body());
        assertEquals("found", embed.path("provider_id").asText(), embed.toString());
        assertEquals("embedding", embed.path("model_type").asText(), embed.toString());
        HttpResponse<String> res = http.post("/v1/chat/completions", """
                {"model": "sim-chat", "messages": [{"role": "user", "content": "hello"}], "max_tokens": 3}""");
        assertEquals(200, res.statusCode(), res.body());
    }

    @Test
    void secretsAreMaskedAndUnservedModelsFailToLoad() throws Exception {
        HttpResponse<String> providers = http.get("/v1/providers");
        assertFalse(providers.body().contains("sk-very-secret"), providers.body());
        assertFalse(providers.body().contains("also-secret"), providers.body());
        assertTrue(providers.body().contains(upstream.baseUrl()), providers.body());
        JsonNode openai = JSON.readTree(http.get("/v1/providers/openai").body());
        assertEquals("OK", openai.path("health").path("status").asText(), openai.toString());

        HttpResponse<String> missing = http.post("/v1/chat/completions", """
                {"model": "missing", "messages": [{"role": "user", "content": "hi"}]}
                """);
        assertEquals(503, missing.statusCode(), missing.body());
        assertTrue(missing.body().contains("not-served"), missing.body());
    }
}
