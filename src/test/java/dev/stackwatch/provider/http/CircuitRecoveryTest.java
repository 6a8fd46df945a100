package dev.stackwatch.provider.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.inference.CircuitState;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.SimulatorUpstream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A remote provider whose upstream goes away and comes back: readiness heals by itself, with no API traffic, and the
 * one probe call a half-open circuit lets through does not hold every other call off for the length of its stream.
 */
class CircuitRecoveryTest {
    /** 1000 tokens at 10 ms: a stream nobody cuts short runs for 10 s. */
    private static final String SIM = "{ttft_ms: 5, inter_token_ms: 10, jitter: 0, min_tokens: 1000, max_tokens: 1000}";

    private SimulatorUpstream upstream;
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(String resilience, int healthIntervalMs) {
        upstream = SimulatorUpstream.start(SIM);
        server = RunningServer.start("""
                version: 2
                server:
                  health: {interval_ms: %d, timeout_ms: 5000}
                providers:
                  inference:
                  - provider_id: remote
                    provider_type: remote::openai
                    required: true
                    config: {base_url: "%s", max_retries: 0, first_byte_timeout_ms: 2000, %s}
                registered_resources:
                  models:
                  - {model_id: chat, provider_id: remote, provider_model_id: sim-chat, model_type: llm}
                """.formatted(healthIntervalMs, upstream.baseUrl(), resilience));
        Polling.await(Duration.ofSeconds(10), "ready with the upstream up", () -> ready() == 200);
    }

    private int ready() {
        return server.management().get("/ready").statusCode();
    }

    private HttpResponse<String> chat(int maxTokens) {
        return server.api().post("/v1/chat/completions", "{\"model\": \"chat\", \"max_tokens\": " + maxTokens
                + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    }

    /** Stops the upstream and fails calls until the circuit opens; returns the port it listened on. */
    private int takeUpstreamDownAndOpenTheCircuit() {
        int port = upstream.port();
        upstream.close();
        upstream = null;
        for (int i = 0; i < 2; i++) {
            int status = chat(3).statusCode();
            assertTrue(status == 502 || status == 503, "a call to a stopped upstream got " + status);
        }
        HttpResponse<String> fast = chat(3);
        assertEquals(503, fast.statusCode());
        assertTrue(fast.body().contains("circuit is open"), fast.body());
        return port;
    }

    @Test
    void readinessHealsWithinAHealthIntervalOfTheUpstreamComingBackWithNoApiTraffic() {
        // An open period far beyond the test: only the health checks can close the circuit here.
        start("circuit_failure_threshold: 2, circuit_open_ms: 600000", 200);
        int port = takeUpstreamDownAndOpenTheCircuit();
        Polling.await(Duration.ofSeconds(10), "not ready while the upstream is down", () -> ready() == 503);

        upstream = SimulatorUpstream.start(SIM, port);
        Polling.await(Duration.ofSeconds(10), "ready again once the upstream is back", () -> ready() == 200);

        assertEquals(0, upstream.inferenceRequests(null).size(), "no API call was needed to heal");
        assertEquals(200, chat(3).statusCode(), "and calls go through again");
    }

    @Test
    void aHalfOpenProbeStreamDoesNotHoldOtherCallsOffUntilItEnds() throws Exception {
        // Health checks far apart and a short open period: the circuit is half-open when the stream below starts.
        start("circuit_failure_threshold: 2, circuit_open_ms: 300", 600_000);
        int port = takeUpstreamDownAndOpenTheCircuit();
        upstream = SimulatorUpstream.start(SIM, port);
        Polling.await(Duration.ofSeconds(5), "the open period to pass",
                () -> upstreamState() == CircuitState.HALF_OPEN);

        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> probe = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"chat\", \"stream\": true, "
                            + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, probe.statusCode());
            try (BufferedReader events = new BufferedReader(new InputStreamReader(probe.body(), StandardCharsets.UTF_8))) {
                String line = events.readLine();
                while (line != null && !line.startsWith("data: {")) {
                    line = events.readLine();
                }
                assertTrue(line != null, "the probe stream sent a token");

                HttpResponse<String> other = chat(3);
                assertEquals(200, other.statusCode(), "a call during the probe's stream: " + other.body());
                assertEquals(CircuitState.CLOSED, upstreamState());
            }
        }
    }

    private CircuitState upstreamState() {
        return server.get().catalog().provider("remote").flatMap(InferenceProvider::upstreamStatus).orElseThrow()
                .circuitState();
    }
}
