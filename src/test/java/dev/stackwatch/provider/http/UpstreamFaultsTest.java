package dev.stackwatch.provider.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.CircuitState;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.UpstreamStatus;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.SimulatorUpstream;
import dev.stackwatch.testing.SseEvents;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Remote providers against the simulator as a separate HTTP upstream, one provider per injected fault (the fault is
 * chosen by a fixed {@code headers} entry in each provider's config). Each test states what the client gets and uses
 * its own providers, so the tests hold in any order; after each, nothing may be left in flight, queued or on a thread.
 */
class UpstreamFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above the timeouts below, so a client that waits for the fault to end would be caught. */
    private static final String FAULT_DELAY_MS = "4000";
    private static final String COMMON = "first_byte_timeout_ms: 800, idle_timeout_ms: 800, max_retries: 2, "
            + "retry_backoff_ms: 20, circuit_failure_threshold: 100";
    private static final List<String> PROVIDERS = List.of("ok", "slow", "stall", "e400", "e500", "e502", "reset",
            "malformed", "dying", "narrow");

    private static SimulatorUpstream upstream;
    private static SimulatorUpstream doomed;
    private static RunningServer server;
    private static int baselineThreads;

    @BeforeAll
    static void start() {
        // 1000 tokens at 10 ms: a stream nobody cuts short runs for 10 s, so early ends are clearly the test's doing.
        String sim = "{ttft_ms: 5, inter_token_ms: 10, jitter: 0, min_tokens: 1000, max_tokens: 1000}";
        upstream = SimulatorUpstream.start(sim);
        doomed = SimulatorUpstream.start(sim);
        StringBuilder yaml = new StringBuilder("version: 2\nproviders:\n  inference:\n");
        provider(yaml, "ok", upstream, "api_key: sk-test-key");
        provider(yaml, "slow", upstream, fault("slow-first-token"));
        provider(yaml, "stall", upstream, fault("stall-mid-stream"));
        provider(yaml, "e400", upstream, fault("http-400"));
        provider(yaml, "e500", upstream, fault("http-500"));
        provider(yaml, "e502", upstream, fault("http-502"));
        provider(yaml, "reset", upstream, fault("reset-mid-stream"));
        provider(yaml, "malformed", upstream, fault("malformed-sse"));
        provider(yaml, "dying", doomed, "circuit_failure_threshold: 2, circuit_open_ms: 60000");
        provider(yaml, "narrow", upstream, "max_concurrency: 1, max_queue: 0, first_byte_timeout_ms: 10000, "
                + "headers: {X-Simulator-Fault: slow-first-token, X-Simulator-Fault-Delay-Ms: \"1500\"}");
        yaml.append("registered_resources:\n  models:\n");
        for (String p : PROVIDERS) {
            yaml.append("  - {model_id: ").append(p).append(", provider_id: ").append(p)
                    .append(", provider_model_id: sim-chat, model_type: llm}\n");
        }
        server = RunningServer.start(yaml.toString());
        assertEquals(200, chat("ok", false, 3).statusCode());
        baselineThreads = ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static String fault(String fault) {
        return "headers: {X-Simulator-Fault: " + fault + ", X-Simulator-Fault-Delay-Ms: \"" + FAULT_DELAY_MS + "\"}";
    }

    private static void provider(StringBuilder yaml, String id, SimulatorUpstream to, String extra) {
        yaml.append("  - provider_id: ").append(id).append("\n    provider_type: remote::openai\n")
                .append("    config: {base_url: \"").append(to.baseUrl()).append("\", ").append(COMMON).append(", ")
                .append(extra).append("}\n");
    }

    @AfterAll
    static void stop() {
        server.close();
        upstream.close();
        doomed.close();
    }

    @AfterEach
    void nothingLeaks() {
        Polling.await(Duration.ofSeconds(15), "no request in flight or queued", () -> PROVIDERS.stream()
                .allMatch(p -> status(p).inFlight() == 0 && status(p).queued() == 0));
        Polling.await(Duration.ofSeconds(15), "thread count back to the baseline of " + baselineThreads,
                () -> ManagementFactory.getThreadMXBean().getThreadCount() <= baselineThreads + 2);
    }

    private static HttpResponse<String> chat(String model, boolean stream, Integer maxTokens) {
        return chat(model, stream, maxTokens, Map.of());
    }

    private static HttpResponse<String> chat(String model, boolean stream, Integer maxTokens, Map<String, String> headers) {
        String body = "{\"model\": \"" + model + "\", \"stream\": " + stream
                + (maxTokens == null ? "" : ", \"max_tokens\": " + maxTokens)
                + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        return server.api().post("/v1/chat/completions", body, headers);
    }

    private static JsonNode error(HttpResponse<String> res) throws Exception {
        return JSON.readTree(res.body()).path("error");
    }

    private static UpstreamStatus status(String providerId) {
        return server.get().catalog().provider(providerId).flatMap(InferenceProvider::upstreamStatus).orElseThrow();
    }

    @Test
    void slowFirstTokenIsA504AfterTheFirstByteTimeoutNotAHang() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            long start = System.nanoTime();
            HttpResponse<String> res = chat("slow", stream, 5);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, res.statusCode(), res.body());
            assertEquals("upstream_timeout", error(res).path("code").asText());
            assertTrue(error(res).path("message").asText().contains("first_byte_timeout_ms"), res.body());
            assertTrue(tookMs >= 700 && tookMs < 3000, "took " + tookMs + " ms");
        }
    }

    @Test
    void stallMidStreamEndsTheStreamWithAnErrorEventAfterTheIdleTimeout() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> res = chat("stall", true, 50);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, res.statusCode(), "the stream had begun, so the status was already sent");
        List<JsonNode> events = SseEvents.parse(res.body());
        assertFalse(SseEvents.text(events).isEmpty(), "tokens before the stall reached the client: " + res.body());
        JsonNode last = events.getLast();
        assertEquals("upstream_timeout", last.path("error").path("code").asText(), res.body());
        assertTrue(last.path("error").path("message").asText().contains("idle_timeout_ms"), res.body());
        assertFalse(res.body().contains("[DONE]"));
        assertTrue(tookMs < 3000, "took " + tookMs + " ms");
    }

    @Test
    void upstream4xxIsPassedThroughWithItsMessageAndNotRetried() throws Exception {
        HttpResponse<String> res = chat("e400", false, 5);
        assertEquals(400, res.statusCode(), res.body());
        assertTrue(error(res).path("message").asText().contains("simulated HTTP 400"), res.body());
        assertEquals(1, upstream.inferenceRequests("http-400").size());
    }

    @Test
    void upstream500IsABadGatewayAndNotRetried() throws Exception {
        HttpResponse<String> res = chat("e500", true, 5);
        assertEquals(502, res.statusCode(), res.body());
        assertEquals("bad_upstream_response", error(res).path("code").asText());
        assertTrue(error(res).path("message").asText().contains("simulated HTTP 500"), res.body());
        assertEquals(1, upstream.inferenceRequests("http-500").size());
    }

    @Test
    void upstream502IsRetriedWithinTheBudgetThenReported() throws Exception {
        HttpResponse<String> res = chat("e502", false, 5);
        assertEquals(502, res.statusCode(), res.body());
        assertEquals(3, upstream.inferenceRequests("http-502").size(), "one try and max_retries 2");
    }

    @Test
    void connectionResetMidStreamIsAnErrorEventAndNeverRetried() throws Exception {
        HttpResponse<String> res = chat("reset", true, 50);
        assertEquals(200, res.statusCode());
        List<JsonNode> events = SseEvents.parse(res.body());
        assertFalse(SseEvents.text(events).isEmpty(), res.body());
        assertEquals("bad_upstream_response", events.getLast().path("error").path("code").asText(), res.body());
        assertTrue(events.getLast().path("error").path("message").asText().contains("connection broke"), res.body());
        Polling.await(Duration.ofSeconds(5), "the upstream to finish the reset request",
                () -> upstream.inferenceRequests("reset-mid-stream").size() == 1);
        assertEquals(1, upstream.inferenceRequests("reset-mid-stream").size(), "tokens were sent: no retry");
    }

    @Test
    void malformedSseIsAnErrorEvent() throws Exception {
        HttpResponse<String> res = chat("malformed", true, 50);
        assertEquals(200, res.statusCode());
        List<JsonNode> events = SseEvents.parse(res.body());
        JsonNode error = events.getLast().path("error");
        assertEquals("bad_upstream_response", error.path("code").asText(), res.body());
        assertTrue(error.path("message").asText().contains("malformed"), res.body());
    }

    @Test
    void refusedConnectionsOpenTheCircuitWhileOtherProvidersKeepServing() throws Exception {
        doomed.close();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> res = chat("dying", false, 5);
            assertEquals(502, res.statusCode(), res.body());
            assertTrue(error(res).path("message").asText().contains("cannot connect"), res.body());
        }
        assertEquals(CircuitState.OPEN, status("dying").circuitState());
        long start = System.nanoTime();
        HttpResponse<String> fast = chat("dying", true, 5);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1000, "an open circuit fails fast");
        assertEquals(503, fast.statusCode(), fast.body());
        assertTrue(error(fast).path("message").asText().contains("circuit is open"), fast.body());
        assertTrue(Integer.parseInt(fast.headers().firstValue("Retry-After").orElseThrow()) > 0);
        Polling.await(Duration.ofSeconds(10), "provider health to report the open circuit",
                () -> server.api().get("/v1/providers/dying").body().contains("circuit open"));
        assertEquals(200, chat("ok", false, 3).statusCode(), "other providers keep serving");
        assertEquals(CircuitState.CLOSED, status("ok").circuitState());
        Scrape scrape = server.scrape();
        assertEquals(2.0, scrape.sum("llamastack_circuit_state", Map.of("provider", "dying")), "open is 2 on /metrics");
        assertEquals(0.0, scrape.sum("llamastack_circuit_state", Map.of("provider", "ok")), "closed is 0 on /metrics");
    }

    @Test
    void beyondMaxConcurrencyAndQueueClientsGet429WithRetryAfter() throws Exception {
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> chat("narrow", false, 3));
        Polling.await(Duration.ofSeconds(5), "the first request to hold the only slot",
                () -> status("narrow").inFlight() == 1);
        HttpResponse<String> rejected = chat("narrow", false, 3);
        assertEquals(429, rejected.statusCode(), rejected.body());
        assertEquals("1", rejected.headers().firstValue("Retry-After").orElse(null));
        assertTrue(error(rejected).path("message").asText().contains("max_queue"), rejected.body());
        assertEquals(200, first.get().statusCode(), first.get().body());
    }

    @Test
    void clientDisconnectMidStreamCancelsTheUpstreamRequestAndForwardsTraceContext() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("traceparent", traceparent)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": "ok", "stream": true, "messages": [{"role": "user", "content": "long"}]}"""))
                .build();
        HttpResponse<InputStream> res = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            int events = 0;
            while (events < 3) {
                String line = reader.readLine();
                if (line != null && line.startsWith("data: ")) {
                    events++;
                }
            }
        }
        client.shutdownNow();
        // The upstream's 10 s stream must end early because Stackwatch closed the upstream connection.
        SimulatorUpstream.Seen seen = Polling.awaitValue(Duration.ofSeconds(5), "the upstream to see the cancel",
                () -> upstream.inferenceRequests(null).stream()
                        .filter(s -> traceparent.equals(s.traceparent())).findFirst().orElse(null));
        // Helidon reports the failed write as a connection exception; "completed" would mean the stream ran to its end.
        assertTrue(seen.outcome().contains("Connection") || seen.outcome().contains("Disconnected"), seen.toString());
        assertEquals("Bearer sk-test-key", seen.authorization());
    }
}
