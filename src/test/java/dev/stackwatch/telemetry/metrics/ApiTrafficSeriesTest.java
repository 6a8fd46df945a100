package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.config.RunConfig;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.TestServers;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What llamastack_requests_total holds before and around real traffic: the inference routes' error series exist at 0
 * before the first request (so rate() sees the first failure), and probes and scrapes sharing the API port are not
 * counted as API requests.
 */
class ApiTrafficSeriesTest {
    static final String CONFIG = TestServers.FAST_SIMULATOR + """
              - {model_id: broken-chat, provider_id: simulator, model_type: llm, metadata: {error_rate: 1.0}}
            """;
    static final List<String> INFERENCE_POSTS = List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings",
            "/v1/openai/v1/chat/completions", "/v1/openai/v1/completions", "/v1/openai/v1/embeddings");

    @Test
    void inferenceRoutesStartWithTheirErrorSeriesAtZeroAndTheFirstFailureIsAStepFromZero() {
        try (RunningServer server = RunningServer.start(CONFIG)) {
            Scrape before = server.scrape();
            Set<String> expected = new TreeSet<>();
            for (String route : INFERENCE_POSTS) {
                for (String status : List.of("200", "500", "502", "503", "504")) {
                    expected.add("POST " + route + " " + status);
                }
            }
            assertEquals(expected, keys(before), "pre-created series, nothing else");
            assertEquals(0, before.sum("llamastack_requests_total"));

            int status = server.api().post("/v1/chat/completions", "{\"model\":\"broken-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .statusCode();
            assertTrue(status >= 500, "broken-chat fails: " + status);
            Scrape after = server.scrape();
            assertEquals(1, after.sum("llamastack_requests_total"), "one request, counted once");
            assertEquals(1, after.sum("llamastack_requests_total",
                    Map.of("endpoint", "/v1/chat/completions", "status", Integer.toString(status))));
            assertEquals(expected, keys(after), "the failure landed on a series that already existed at 0");
        }
    }

    @Test
    void probesAndScrapesOnASharedPortAreNotApiRequests() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RunConfig config = TestServers.config(CONFIG);
        try (RunningServer shared = RunningServer.start(config.withServer(config.server().onLoopback(port, port)))) {
            Http http = shared.api();
            for (String path : List.of("/metrics", "/ready", "/health", "/metrics")) {
                assertTrue(http.get(path).statusCode() < 600, path);
            }
            assertEquals(200, http.get("/v1/models").statusCode());
            Scrape scrape = shared.scrape();
            assertEquals(1, scrape.sum("llamastack_requests_total"), "only GET /v1/models is API traffic: " + keys(scrape));
            assertEquals(0, scrape.sum("llamastack_requests_total", Map.of("endpoint", "other")));
            assertEquals(1, scrape.sum("llamastack_requests_total", Map.of("endpoint", "/v1/models", "status", "200")));
        }
    }

    private static Set<String> keys(Scrape scrape) {
        Set<String> keys = new TreeSet<>();
        scrape.series("llamastack_requests_total").forEach(l -> keys.add(l.get("method") + " " + l.get("endpoint") + " " + l.get("status")));
        return keys;
    }
}
