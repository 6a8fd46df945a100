package dev.stackwatch.provider.llamastack;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.RunningServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay obeys the server's body limit and its upstream's failures count against the provider's breaker. */
class LlamaStackPassthroughGuardsTest {

    @Test
    void relayedRoutesHonourTheBodyLimitAndUpstream5xxOpensTheCircuit() throws Exception {
        try (FakeLlamaStack upstream = new FakeLlamaStack();
             RunningServer server = RunningServer.start("""
                     version: 2
                     providers:
                       inference:
                       - provider_id: stack
                         provider_type: remote::llama-stack
                         config: {url: "%s", api_key: k, circuit_failure_threshold: 2, circuit_open_ms: 60000}
                     server:
                       max_request_body_bytes: 2048
                     """.formatted(upstream.url()))) {
            Http http = server.api();
            String big = "{\"name\": \"" + "x".repeat(4096) + "\"}";
            assertErrorShape(http.post("/v1/vector_stores", big), 413, "request_too_large");
            assertEquals(0, upstream.count("/v1/vector_stores"), "an oversized body is never relayed");

            assertEquals(0.0, circuit(server), "closed before any failure");
            for (int i = 0; i < 2; i++) {
                assertEquals(503, http.get("/v1/broken").statusCode(), "the upstream's own status is relayed");
            }
            assertEquals(2, upstream.count("/v1/broken"), "a relayed status is never retried");
            assertEquals(2.0, circuit(server), "two relayed 5xx open the circuit (threshold 2)");
        }
    }

    private static double circuit(RunningServer server) {
        return server.scrape().sum("llamastack_circuit_state", Map.of("provider", "stack"));
    }
}
