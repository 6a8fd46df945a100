package dev.stackwatch.provider.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.SseEvents;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** remote::ollama against an in-test Ollama: translation both ways, NDJSON streaming, load_duration, trace context. */
class OllamaProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeOllama ollama;
    private static RunningServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        ollama = new FakeOllama();
        server = RunningServer.start(config(ollama));
        http = server.api();
    }

    private static String config(FakeOllama ollama) {
        return """
                version: 2
                providers:
                  inference:
                  - provider_id: ollama
                    provider_type: remote::ollama
                    config: {url: "%s", keep_alive: 10m, discover_models: true}
                registered_resources:
                  models:
                  - {model_id: llama, provider_id: ollama, provider_model_id: llama3.2, model_type: llm}
                  - {model_id: gone, provider_id: ollama, provider_model_id: gone, model_type: llm}
                  - {model_id: embed, provider_id: ollama, provider_model_id: nomic-embed-text, model_type: embedding}
                """.formatted(ollama.url());
    }

    @AfterAll
    static void stop() {
        server.close();
        ollama.close();
    }

    /** Its own Ollama and server: later responses report their own (small) load_duration, which replaces the warm-up's. */
    @Test
    void loadingWarmsTheModelUpAndKeepsOllamasLoadDuration() throws Exception {
        try (FakeOllama fresh = new FakeOllama(); RunningServer own = RunningServer.start(config(fresh))) {
            List<FakeOllama.Received> warmUps = fresh.received("/api/generate").stream()
                    .filter(r -> !r.body().has("prompt") && r.body().path("model").asText().equals("llama3.2"))
                    .toList();
            assertEquals(1, warmUps.size(), "one warm-up per chat model that was not resident");
            assertEquals("10m", warmUps.getFirst().body().path("keep_alive").asText());
            InferenceProvider provider = own.get().catalog().provider("ollama").orElseThrow();
            assertEquals(Duration.ofNanos(FakeOllama.WARM_UP_LOAD_NS),
                    provider.reportedLoadTime(own.get().catalog().model("llama").orElseThrow()).orElseThrow());
            assertEquals(FakeOllama.WARM_UP_LOAD_NS / 1e9, own.scrape()
                            .sum("llamastack_model_load_time_seconds", Map.of("model", "llama")), 1e-9,
                    "the model-load metric is Ollama's own load_duration, not Stackwatch's wall clock");
        }
    }

    @Test
    void discoveryAddsOnlyModelsNotAlreadyRegistered() {
        Polling.await(Duration.ofSeconds(10), "mistral:7b to be discovered and loaded",
                () -> server.get().catalog().model("mistral:7b").isPresent()
                        && server.get().catalog().state("mistral:7b") instanceof ModelState.Ready);
        List<String> ids = server.get().catalog().models().stream().map(Model::id).toList();
        assertEquals(List.of("llama", "gone", "embed", "mistral:7b"), ids,
                "llama3.2, gone and nomic-embed-text are already registered under other ids");
    }

    @Test
    void chatIsTranslatedBothWays() throws Exception {
        HttpResponse<String> res = http.post("/v1/chat/completions", """
                {"model": "llama", "max_tokens": 20, "temperature": 0.5, "stop": ["END"], "seed": 7,
                 "messages": [{"role": "developer", "content": "be brief"}, {"role": "user", "content": "hi"}]}
                """);
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals("Hello there", body.path("choices").path(0).path("message").path("content").asText());
        assertEquals("stop", body.path("choices").path(0).path("finish_reason").asText());
        assertEquals(7, body.path("usage").path("prompt_tokens").asInt());
        assertEquals(3, body.path("usage").path("completion_tokens").asInt());

        JsonNode sent = ollama.received("/api/chat").stream().map(FakeOllama.Received::body)
                .filter(b -> b.path("messages").path(0).path("content").asText().equals("be brief"))
                .findFirst().orElseThrow();
        assertEquals("llama3.2", sent.path("model").asText());
        assertFalse(sent.path("stream").asBoolean());
        assertEquals("system", sent.path("messages").path(0).path("role").asText());
        assertEquals("hi", sent.path("messages").path(1).path("content").asText());
        assertEquals(20, sent.path("options").path("num_predict").asInt());
        assertEquals(0.5, sent.path("options").path("temperature").asDouble());
        assertEquals("END", sent.path("options").path("stop").path(0).asText());
        assertEquals(7, sent.path("options").path("seed").asInt());
    }

    @Test
    void ndjsonStreamsBecomeSseChunksAndTraceContextIsForwarded() {
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        HttpResponse<String> res = http.post("/v1/completions", """
                {"model": "llama", "prompt": "Say hello", "stream": true, "stream_options": {"include_usage": true}}
                """, Map.of("traceparent", traceparent, "tracestate", "vendor=1"));
        assertEquals(200, res.statusCode(), res.body());
        List<JsonNode> events = SseEvents.parse(res.body());
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(e.path("choices").path(0).path("text").asText("")));
        assertEquals("Hello there", text.toString());
        assertEquals(3, events.getLast().path("usage").path("completion_tokens").asInt(), res.body());

        FakeOllama.Received sent = ollama.received("/api/generate").stream()
                .filter(r -> r.body().has("prompt")).findFirst().orElseThrow();
        assertEquals("Say hello", sent.body().path("prompt").asText());
        assertTrue(sent.body().path("stream").asBoolean());
        assertEquals(traceparent, sent.traceparent());
    }

    @Test
    void embeddingsAndUpstream404() throws Exception {
        HttpResponse<String> res = http.post("/v1/embeddings", """
                {"model": "embed", "input": ["a", "b"]}""");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals(0.5, body.path("data").path(1).path("embedding").path(1).asDouble(), 1e-6);
        assertEquals(8, body.path("usage").path("prompt_tokens").asInt());

        HttpResponse<String> gone = http.post("/v1/chat/completions", """
                {"model": "gone", "messages": [{"role": "user", "content": "hi"}]}""");
        assertEquals(404, gone.statusCode(), gone.body());
        assertTrue(gone.body().contains("try pulling it first"), gone.body());
    }

    @Test
    void toolCallsAreTranslatedBothWays() throws Exception {
        String tools = """
                "tools": [{"type": "function", "function": {"name": "get_weather",
                           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]""";
        HttpResponse<String> res = http.post("/v1/chat/completions", """
                {"model": "llama", "messages": [{"role": "user", "content": "Weather in Oslo?"}], %s}"""
                .formatted(tools));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode choice = JSON.readTree(res.body()).path("choices").path(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        JsonNode call = choice.path("message").path("tool_calls").path(0);
        assertEquals("get_weather", call.path("function").path("name").asText(), res.body());
        assertEquals("{\"city\":\"Oslo\"}", call.path("function").path("arguments").asText(),
                "OpenAI's arguments are a JSON string; Ollama sent an object");
        assertTrue(call.path("id").asText().startsWith("call_"), "Ollama sends no id; the client needs one");
        JsonNode sent = ollama.received("/api/chat").getLast().body();
        assertEquals("get_weather", sent.path("tools").path(0).path("function").path("name").asText(), sent.toString());

        HttpResponse<String> streamed = http.post("/v1/chat/completions", """
                {"model": "llama", "stream": true, "messages": [{"role": "user", "content": "Weather?"}], %s}"""
                .formatted(tools));
        List<JsonNode> events = SseEvents.parse(streamed.body());
        JsonNode delta = events.stream().map(e -> e.path("choices").path(0).path("delta").path("tool_calls"))
                .filter(JsonNode::isArray).findFirst().orElseThrow(() -> new AssertionError(streamed.body()));
        assertEquals(0, delta.path(0).path("index").asInt());
        assertEquals("get_weather", delta.path(0).path("function").path("name").asText());
        assertTrue(events.stream().anyMatch(e -> e.path("choices").path(0).path("finish_reason").asText()
                .equals("tool_calls")), streamed.body());

        String id = call.path("id").asText();
        HttpResponse<String> followUp = http.post("/v1/chat/completions", """
                {"model": "llama", %s, "messages": [
                  {"role": "user", "content": "Weather in Oslo?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "%s", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}}]},
                  {"role": "tool", "tool_call_id": "%s", "content": "4 degrees, rain"}]}"""
                .formatted(tools, id, id));
        assertEquals(200, followUp.statusCode(), followUp.body());
        JsonNode messages = ollama.received("/api/chat").getLast().body().path("messages");
        assertEquals("Oslo", messages.path(1).path("tool_calls").path(0).path("function").path("arguments")
                .path("city").asText(), "arguments go to Ollama as an object: " + messages);
        assertEquals("get_weather", messages.path(2).path("tool_name").asText(), messages.toString());
        assertEquals("Hello there", JSON.readTree(followUp.body()).path("choices").path(0).path("message")
                .path("content").asText(), "after the tool's answer Ollama answers in text");
    }
}
