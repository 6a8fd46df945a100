package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The read-only LlamaStack routes clients and the Kubernetes operator rely on. */
class CatalogRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.FAST_SIMULATOR);

    private static JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> res = server.api().get(path);
        assertEquals(expectedStatus, res.statusCode(), res.body());
        return JSON.readTree(res.body());
    }

    @Test
    void healthAndVersionKeepLlamaStacksShape() throws Exception {
        assertEquals("OK", get("/v1/health", 200).path("status").asText());
        String version = get("/v1/version", 200).path("version").asText();
        assertEquals(BuildInfo.load().version(), version);
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
    }

    @Test
    void providersShowTypeRedactedConfigAndHealth() throws Exception {
        JsonNode list = get("/v1/providers", 200).path("data");
        assertEquals(1, list.size());
        JsonNode sim = list.get(0);
        assertEquals("inference", sim.path("api").asText());
        assertEquals("simulator", sim.path("provider_id").asText());
        assertEquals("inline::simulator", sim.path("provider_type").asText());
        assertEquals(5, sim.path("config").path("ttft_ms").asInt());
        assertEquals("OK", sim.path("health").path("status").asText());
        assertEquals(sim, get("/v1/providers/simulator", 200));
        assertEquals("provider_not_found", get("/v1/providers/nope", 404).path("error").path("code").asText());
    }

    @Test
    void modelsCarryOpenAiAndLlamaStackFields() throws Exception {
        JsonNode list = get("/v1/models", 200);
        assertEquals("list", list.path("object").asText());
        JsonNode embed = get("/v1/models/sim-embed", 200);
        assertEquals("sim-embed", embed.path("id").asText());
        assertEquals("sim-embed", embed.path("identifier").asText());
        assertEquals("embedding", embed.path("model_type").asText());
        assertEquals(64, embed.path("metadata").path("embedding_dimension").asInt());
        assertEquals("ready", embed.path("state").asText());
        assertEquals("org/sim-chat-2", get("/v1/models/org/sim-chat-2", 200).path("provider_resource_id").asText());
    }

    @Test
    void inspectRoutesListsEveryRouteWithProviderTypes() throws Exception {
        JsonNode routes = get("/v1/inspect/routes", 200).path("data");
        Set<String> seen = new HashSet<>();
        for (JsonNode r : routes) {
            seen.add(r.path("method").asText() + " " + r.path("route").asText());
            if (r.path("route").asText().endsWith("/chat/completions")) {
                assertEquals("inline::simulator", r.path("provider_types").get(0).asText());
            }
        }
        assertTrue(seen.containsAll(Set.of("GET /v1/health", "GET /v1/version", "GET /v1/providers",
                "GET /v1/providers/{provider_id}", "GET /v1/inspect/routes", "GET /v1/models", "GET /v1/models/{model_id}",
                "POST /v1/chat/completions", "POST /v1/completions", "POST /v1/embeddings",
                "POST /v1/openai/v1/chat/completions", "POST /v1/openai/v1/completions", "POST /v1/openai/v1/embeddings",
                "GET /v1/openai/v1/models")), seen.toString());
    }

    @Test
    void legacyOpenAiPrefixServesTheSameInference() throws Exception {
        HttpResponse<String> res = server.api().post("/v1/openai/v1/chat/completions",
                "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(3, JSON.readTree(res.body()).path("usage").path("completion_tokens").asInt());
        assertEquals(3, get("/v1/openai/v1/models", 200).path("data").size());
    }

    @Test
    void aModelStillLoadingAnswers503WithRetryAfter() throws Exception {
        // Not a RunningServer: that waits for loading to finish, and this test needs a model still loading.
        try (StackwatchServer slow = StackwatchServer.start(TestServers.config(TestServers.FAST_SIMULATOR
                .replace("min_tokens: 8", "load_time_ms: 60000, min_tokens: 8")));
             HttpCalls calls = new HttpCalls()) {
            HttpResponse<String> res = calls.send("http://127.0.0.1:" + slow.port() + "/v1/chat/completions",
                    "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(503, res.statusCode(), res.body());
            assertEquals("5", res.headers().firstValue("Retry-After").orElseThrow());
            JsonNode error = JSON.readTree(res.body()).path("error");
            assertEquals("model_not_ready", error.path("code").asText());
            assertTrue(error.path("message").asText().contains("still loading"), error.toString());
            assertEquals("loading", slow.catalog().state("sim-chat").label());
        }
    }
}
