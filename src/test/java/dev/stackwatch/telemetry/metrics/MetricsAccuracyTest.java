package dev.stackwatch.telemetry.metrics;

import static dev.stackwatch.testing.Scrape.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The latency histograms tell the truth: against a simulator with known delays (100 ms to the first token, then 20 ms
 * per token, no jitter), the server's sums agree with what a client measured and with the configured delays.
 *
 * <p>Tolerance, stated: the server's request duration can never exceed the client's (it starts later and ends
 * earlier on the same clock), and may fall short of it by at most 50 ms per request plus 10% (loopback transfer,
 * client-side parsing, and a shared, loaded CI machine). Token timings may overshoot the simulator's sleeps by at most
 * 25 ms per sleep on average (a loaded machine wakes sleepers late), and never undershoot them.
 */
class MetricsAccuracyTest {
    static final String CONFIG = """
            version: 2
            providers:
              inference:
              - provider_id: simulator
                provider_type: inline::simulator
                config: {ttft_ms: 100, inter_token_ms: 20, jitter: 0, min_tokens: 10, max_tokens: 10}
            registered_resources:
              models:
              - {model_id: sim-timed, provider_id: simulator, model_type: llm}
            """;
    static final int REQUESTS = 6;
    static final int TOKENS = 10;
    static final double PER_REQUEST_SLACK = 0.050;
    static final double PER_SLEEP_SLACK = 0.025;

    @RegisterExtension
    static final RunningServer server = new RunningServer(CONFIG);


    @Test
    void serverSumsAgreeWithClientClocksAndConfiguredDelays() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            send(client, true); // warm-up: class loading and JIT are not what is being measured
            Scrape before = server.scrape();
            double clientSeconds = 0;
            for (int i = 0; i < REQUESTS; i++) {
                clientSeconds += send(client, i % 2 == 0);
            }
            Scrape after = server.scrape();

            Map<String, String> chat = Map.of("endpoint", "/v1/chat/completions");
            assertEquals(REQUESTS, delta(before, after, "llamastack_request_duration_seconds_count", chat));
            double serverSeconds = delta(before, after, "llamastack_request_duration_seconds_sum", chat);
            assertTrue(serverSeconds <= clientSeconds, "server " + serverSeconds + " s <= client " + clientSeconds + " s");
            assertTrue(clientSeconds - serverSeconds <= REQUESTS * PER_REQUEST_SLACK + 0.1 * clientSeconds,
                    "server " + serverSeconds + " s within tolerance of client " + clientSeconds + " s");

            double minimumCall = 0.100 + (TOKENS - 1) * 0.020;
            double inference = delta(before, after, "llamastack_inference_latency_seconds_sum", Map.of());
            assertWithin(REQUESTS * minimumCall, inference, REQUESTS * TOKENS, "inference latency sum");
            assertTrue(inference <= serverSeconds, "time in the provider is part of the request's time");

            int streams = REQUESTS / 2;
            assertWithin(streams * 0.100,
                    delta(before, after, "llamastack_time_to_first_token_seconds_sum", Map.of()), streams, "TTFT sum");
            assertWithin(streams * (TOKENS - 1) * 0.020,
                    delta(before, after, "llamastack_inter_token_latency_seconds_sum", Map.of()),
                    streams * (TOKENS - 1), "inter-token sum");
        }
    }

    /** Never less than the configured sleeps; more by at most the slack per sleep. */
    private static void assertWithin(double configured, double measured, int sleeps, String what) {
        assertTrue(measured >= configured - 1e-3 && measured <= configured + sleeps * PER_SLEEP_SLACK,
                what + ": measured " + measured + " s, configured " + configured + " s");
    }

    /** Seconds from sending the request to having read the whole response. */
    private static double send(HttpClient client, boolean stream) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sim-timed\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"time me\"}]}"))
                .build();
        long start = System.nanoTime();
        HttpResponse<String> res = client.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - start;
        assertEquals(200, res.statusCode(), res.body());
        return took / 1e9;
    }
}
