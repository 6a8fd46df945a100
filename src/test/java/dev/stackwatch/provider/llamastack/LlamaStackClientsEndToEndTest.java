package dev.stackwatch.provider.llamastack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.api.LlamaStackApi;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.NodeScript;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.SimulatorUpstream;
import dev.stackwatch.testing.TestServers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real npm llama-stack-client and openai clients drive a distribution (the simulator acting as one) through
 * Stackwatch ({@code remote::llama-stack}); /metrics must show every route under its template with the status each
 * call got, the Responses tokens the clients saw, and the streamed time to first token the client measured.
 */
class LlamaStackClientsEndToEndTest {
    /** Time-to-first-token buckets of llamastack_time_to_first_token_seconds (Metrics). */
    private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1,
        2.5, 5, 7.5, 10, 20, 40, 80, 120};

    @Test
    void realClientsSeeEveryRouteMeasuredByTemplate() throws Exception {
        NodeScript.require("llama-stack-client", "openai");
        // 1.5 s to the first token sits mid-way in the (1, 2.5] bucket, so a busy machine's extra client-side
        // milliseconds cannot push the two measurements more than one bucket apart.
        try (SimulatorUpstream upstream = SimulatorUpstream.start(
                "{distribution: true, ttft_ms: 1500, inter_token_ms: 2, jitter: 0, min_tokens: 8, max_tokens: 24}");
             StackwatchServer server = TestServers.start(TestServers.inFrontOfDistribution(upstream.port(), "")
                     + "  - {model_id: sim-embed, provider_id: stack, model_type: embedding}\n")) {
            JsonNode report = new ObjectMapper().readTree(NodeScript.run(120, "llamastack-clients.mjs",
                    "http://127.0.0.1:" + server.port(), "sim-chat", "sim-embed"));
            Scrape scrape = Scrape.of(server.managementPort());

            Map<List<String>, Integer> expected = new LinkedHashMap<>();
            for (JsonNode c : report.path("calls")) {
                expected.merge(List.of(c.path("method").asText(), c.path("route").asText(),
                        c.path("status").asText()), 1, Integer::sum);
            }
            for (var e : expected.entrySet()) {
                List<String> k = e.getKey();
                assertEquals(e.getValue().doubleValue(), scrape.sum("llamastack_requests_total",
                        Map.of("method", k.get(0), "endpoint", k.get(1), "status", k.get(2))), "requests " + k);
            }
            assertEquals(report.path("calls").size(), scrape.sum("llamastack_requests_total"),
                    "nothing but the clients' calls was counted");
            assertTrue(expected.containsKey(List.of("GET", "/v1/files/{file_id}", "404")), "a 404 was seen: " + expected);
            assertTrue(expected.containsKey(List.of("GET", "other", "404")), "a stray path counts as other");
            assertTrue(scrape.series("llamastack_requests_total").stream()
                    .noneMatch(l -> l.get("endpoint").matches(".*(file-|vs_|conv_|resp_|abc123).*")), "no raw ids");

            Set<String> routes = expected.keySet().stream().filter(k -> !k.get(1).equals("other"))
                    .map(k -> k.get(0) + " " + k.get(1)).collect(Collectors.toCollection(TreeSet::new));
            Set<String> families = expected.keySet().stream().map(k -> k.get(1)).filter(r -> !r.equals("other"))
                    .map(r -> new LlamaStackApi.Route("", r).family()).collect(Collectors.toCollection(TreeSet::new));
            assertTrue(routes.size() >= 20, "routes driven: " + routes);
            assertTrue(families.size() >= 8, "families driven: " + families);
            assertTrue(routes.stream().anyMatch(r -> r.contains("/v1alpha/")) && routes.stream()
                    .anyMatch(r -> r.contains("/v1beta/")), "v1alpha and v1beta: " + routes);

            JsonNode usage = report.path("usage");
            assertTrue(usage.path("output").asInt() > 0, "the clients saw output tokens");
            assertEquals(usage.path("input").asDouble(), scrape.sum("llamastack_tokens_total",
                    Map.of("model", "sim-chat", "type", "input")), "input tokens = the clients' usage");
            assertEquals(usage.path("output").asDouble(), scrape.sum("llamastack_tokens_total",
                    Map.of("model", "sim-chat", "type", "output")), "output tokens = the clients' usage");
            assertEquals(report.path("responses").asDouble(), scrape.sum("llamastack_inference_requests_total",
                    Map.of("model", "sim-chat", "operation", "responses", "outcome", "stop")), "responses completed");
            assertEquals(report.path("streamedDeltas").asDouble() - 1, scrape.sum(
                    "llamastack_inter_token_latency_seconds_count", Map.of("operation", "responses")),
                    "one inter-token gap between each two deltas of the streamed response");

            double clientTtft = report.path("ttftSeconds").asDouble();
            int clientBucket = bucket(clientTtft);
            int serverBucket = -1;
            for (int i = 0; i < TTFT_BUCKETS.length && serverBucket < 0; i++) {
                if (scrape.sum("llamastack_time_to_first_token_seconds_bucket", Map.of("operation", "responses",
                        "le", Double.toString(TTFT_BUCKETS[i]))) >= 1) {
                    serverBucket = i;
                }
            }
            assertEquals(1.0, scrape.sum("llamastack_time_to_first_token_seconds_count",
                    Map.of("operation", "responses")), "one streamed response");
            System.out.printf("llama-stack-client + openai: %d routes in %d families %s; TTFT client %.3f s (bucket %d),"
                    + " server bucket %d; tokens in/out %s/%s%n", routes.size(), families.size(), families, clientTtft,
                    clientBucket, serverBucket, usage.path("input"), usage.path("output"));
            assertTrue(Math.abs(clientBucket - serverBucket) <= 1, "client TTFT " + clientTtft + " s (bucket "
                    + clientBucket + ") vs server bucket " + serverBucket + " " + Arrays.toString(TTFT_BUCKETS));
            assertTrue(report.path("searchHits").asInt() > 0, "the search found the uploaded file's lines");
        }
    }

    private static int bucket(double seconds) {
        for (int i = 0; i < TTFT_BUCKETS.length; i++) {
            if (seconds <= TTFT_BUCKETS[i]) {
                return i;
            }
        }
        return TTFT_BUCKETS.length;
    }
}
