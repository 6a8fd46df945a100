package dev.stackwatch.provider.llamastack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.RunningServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** remote::llama-stack: routed models go to the upstream's OpenAI routes; other /v1 routes are relayed unchanged. */
class LlamaStackProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeLlamaStack upstream;
    private static RunningServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeLlamaStack();
        server = RunningServer.start("""
                version: 2
                providers:
                  inference:
                  - provider_id: stack
                    provider_type: remote::llama-stack
                    config: {url: "%s", api_key: upstream-key}
                registered_resources:
                  models:
                  - {model_id: llama, provider_id: stack, provider_model_id: meta-llama/Llama-3.2-3B-Instruct, model_type: llm}
                """.formatted(upstream.url()));
        http = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
        upstream.close();
    }

    @Test
    void routedModelsAreServedByTheUpstream() throws Exception {
        HttpResponse<String> res = http.post("/v1/chat/completions", """
                {"model": "llama", "messages": [{"role": "user", "content": "hi"}]}""");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("from llama stack",
                JSON.readTree(res.body()).path("choices").path(0).path("message").path("content").asText());
        assertEquals("meta-llama/Llama-3.2-3B-Instruct",
                JSON.readTree(upstream.last("/v1/chat/completions").orElseThrow().body()).path("model").asText());
    }

    @Test
    void unknownV1RoutesAreRelayedWithQueryStatusAndTraceContext() throws Exception {
        String traceparent = "00-11111111111111111111111111111111-2222222222222222-01";
        HttpResponse<String> list = http.post("/v1/vector_stores?limit=2&order=desc", "{\"name\": \"docs\"}",
                Map.of("traceparent", traceparent, "Authorization", "Bearer client-key"));
        assertEquals(200, list.statusCode(), list.body());
        assertEquals("vs_1", JSON.readTree(list.body()).path("data").path(0).path("id").asText());
        FakeLlamaStack.Received seen = upstream.last("/v1/vector_stores").orElseThrow();
        assertEquals("POST", seen.method());
        assertEquals("limit=2&order=desc", seen.query());
        assertEquals("{\"name\": \"docs\"}", seen.body());
        assertEquals(traceparent, seen.traceparent());
        assertEquals("Bearer upstream-key", seen.authorization(), "the provider's credentials, not the client's");

        HttpResponse<String> conflict = http.get("/v1/files/f1");
        assertEquals(409, conflict.statusCode());
        assertEquals("{\"detail\": \"file f1 is in use\"}", conflict.body());
    }

    @Test
    void streamedRoutesAreRelayed() {
        HttpResponse<String> res = http.post("/v1/responses", "{\"input\": \"hi\", \"stream\": true}");
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertTrue(res.body().contains("event: response.created") && res.body().contains("response.completed"),
                res.body());
    }

    @Test
    void ownRoutesAndNonV1PathsAreNotRelayed() {
        assertEquals(200, http.get("/v1/version").statusCode());
        assertEquals(404, http.get("/v2/anything").statusCode());
        assertTrue(upstream.last("/v1/version").isEmpty());
        assertTrue(upstream.last("/v2/anything").isEmpty());
    }
}
