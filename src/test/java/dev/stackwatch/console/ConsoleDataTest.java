package dev.stackwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.prom.PromSnapshot;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /console/data on a real server: the same numbers as /metrics, and errors without request content. */
class ConsoleDataTest {
    private static final String SECRET = "do-not-log-this-prompt";

    @Test
    void dataMatchesMetricsAndErrorsCarryNoPromptText() throws Exception {
        try (RunningServer server = RunningServer.start(TestServers.FAST_SIMULATOR)) {
            for (String model : new String[] {"sim-chat", "sim-chat", "sim-chat", "missing-model", "missing-model"}) {
                server.api().post("/v1/chat/completions", "{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + SECRET + "\"}]}");
            }
            HttpResponse<String> data = server.management().get("/console/data");
            String metricsText = server.management().get("/metrics").body();
            assertEquals(200, data.statusCode());
            assertTrue(data.headers().firstValue("content-type").orElse("").startsWith("application/json"));
            JsonNode view = new ObjectMapper().readTree(data.body());
            PromSnapshot metrics = PromSnapshot.of(metricsText);

            assertEquals(metrics.sum("llamastack_requests_total", Map.of()), view.at("/state/requests").asDouble());
            assertEquals(5, view.at("/state/requests").asInt());
            assertEquals(2, view.at("/state/errors").asInt(), "the two 404s");
            assertEquals(metrics.sum("llamastack_tokens_total", Map.of("type", "output")),
                    view.at("/state/output_tokens").asDouble());
            assertTrue(view.at("/state/ready").asBoolean());
            assertEquals("simulator", view.at("/state/providers/0/id").asText());

            JsonNode errors = view.get("recent_errors");
            assertEquals(2, errors.size());
            assertEquals("http", errors.get(0).get("source").asText());
            assertEquals("POST /v1/chat/completions", errors.get(0).get("subject").asText());
            assertEquals(404, errors.get(0).get("status").asInt());
            assertFalse(data.body().contains(SECRET), "no prompt text in the console's data");
            assertFalse(data.body().contains("missing-model"), "not even the requested model id from the request body");

            HttpResponse<String> page = server.management().get("/console");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<script src=\"/console/console.js\">"));
            assertEquals(ConsoleEndpoints.POLICY, page.headers().firstValue("content-security-policy").orElse(""));
            assertFalse(page.body().matches("(?s).*(https?:)?//[a-z0-9.-]+\\.(com|net|org|io)/.*"),
                    "no external resources");
        }
    }
}
