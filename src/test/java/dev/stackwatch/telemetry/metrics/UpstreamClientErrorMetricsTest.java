package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.SimulatorUpstream;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * An upstream 400 (the client's mistake, e.g. a prompt over the context window) is told apart from a provider fault
 * in the exposition, as HighProviderErrorRatio relies on: kind="bad_request", and the client got a 400, not a 5xx.
 */
class UpstreamClientErrorMetricsTest {
    @Test
    void upstream400IsCountedAsBadRequestAndAnsweredAsA400() {
        try (SimulatorUpstream upstream = SimulatorUpstream.start("{ttft_ms: 1, inter_token_ms: 1, jitter: 0, min_tokens: 2, max_tokens: 4}");
             RunningServer server = RunningServer.start("""
                     version: 2
                     providers:
                       inference:
                       - provider_id: vllm
                         provider_type: remote::openai
                         config: {base_url: "%s", max_retries: 2, headers: {X-Simulator-Fault: http-400}}
                     registered_resources:
                       models:
                       - {model_id: llama, provider_id: vllm, provider_model_id: sim-chat, model_type: llm}
                     """.formatted(upstream.baseUrl()))) {
            Http http = server.api();
            for (int i = 0; i < 3; i++) {
                assertEquals(400, http.post("/v1/chat/completions",
                        "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"too long\"}]}").statusCode());
            }
            Scrape scrape = server.scrape();
            Set<String> kinds = new TreeSet<>();
            scrape.series("llamastack_provider_errors_total").forEach(l -> kinds.add(l.get("provider") + "/" + l.get("kind")));
            assertEquals(Set.of("vllm/bad_request"), kinds, "only client mistakes, no provider fault");
            assertEquals(3, scrape.sum("llamastack_provider_errors_total", Map.of("provider", "vllm", "kind", "bad_request")));
            assertEquals(3, scrape.sum("llamastack_requests_total", Map.of("endpoint", "/v1/chat/completions", "status", "400")));
            assertEquals(0, scrape.sum("llamastack_requests_total", Map.of("endpoint", "/v1/chat/completions", "status", "500"))
                    + scrape.sum("llamastack_requests_total", Map.of("endpoint", "/v1/chat/completions", "status", "502")));
            assertEquals(3, upstream.inferenceRequests("http-400").size(), "one upstream call per request: a 400 is not retried");
        }
    }
}
