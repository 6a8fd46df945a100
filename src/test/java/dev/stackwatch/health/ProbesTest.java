package dev.stackwatch.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The probes against a real server whose remote::openai provider talks to real sockets: refused, hanging, answering
 * (another Stackwatch serving the simulator as an OpenAI-compatible upstream).
 */
class ProbesTest {
    private final ObjectMapper json = new ObjectMapper();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final Map<Integer, Http> clients = new HashMap<>();

    /** Status and parsed JSON body of one call. */
    record Reply(int status, HttpResponse<String> raw, JsonNode json) {}

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    private Reply reply(HttpResponse<String> response) {
        try {
            return new Reply(response.statusCode(), response, json.readTree(response.body()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One client per port, kept for the test: probe latencies measure the server, not client start-up. */
    private Http client(int port) {
        return clients.computeIfAbsent(port, p -> {
            Http http = new Http(p);
            cleanup.add(http);
            return http;
        });
    }

    private Reply get(int port, String path) {
        return reply(client(port).get(path));
    }

    private Reply post(int port, String path, String body) {
        return reply(client(port).post(path, body));
    }

    /** A simulator and a remote upstream that gates readiness ({@code required: true}). */
    private static String withUpstream(String url, int timeoutMs) {
        return withUpstream(url, timeoutMs, "required: true, ");
    }

    private static String withUpstream(String url, int timeoutMs, String required) {
        return """
                version: 2
                providers:
                  inference:
                  - provider_id: simulator
                    provider_type: inline::simulator
                    config: {ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 4, max_tokens: 8}
                  - {provider_id: upstream, provider_type: remote::openai, %sconfig: {base_url: "%s"}}
                registered_resources:
                  models:
                  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
                server:
                  health: {interval_ms: 100, timeout_ms: %d}
                """.formatted(required, url, timeoutMs);
    }

    private StackwatchServer start(String yaml) {
        RunConfig config = TestServers.config(yaml);
        StackwatchServer server = StackwatchServer.start(config);
        cleanup.add(server);
        return server;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + report);
    }

    private Reply awaitReady(StackwatchServer server, int status, String why) {
        return Polling.awaitValue(Duration.ofSeconds(15), why, () -> {
            Reply r = get(server.managementPort(), "/ready");
            return r.status() == status ? r : null;
        });
    }

    @Test
    void livenessPassesWhileAProviderIsUnreachableAndReadinessSaysWhy() throws IOException {
        int port = closedPort();
        StackwatchServer server = start(withUpstream("http://127.0.0.1:" + port + "/v1", 2000));

        Reply ready = Polling.awaitValue(Duration.ofSeconds(15), "upstream check to fail with a reason", () -> {
            Reply r = get(server.managementPort(), "/ready");
            String reason = check(r.json(), "provider:upstream").path("reason").asText();
            return r.status() == 503 && !reason.equals(ProviderHealthChecks.NOT_CHECKED) ? r : null;
        });
        assertEquals("fail", ready.json().path("status").asText());
        assertTrue(check(ready.json(), "provider:upstream").path("reason").asText().contains("cannot connect"),
                ready.json().toString());

        Reply live = get(server.managementPort(), "/health");
        assertEquals(200, live.status(), live.json().toString());
        assertEquals("pass", live.json().path("status").asText());
        assertEquals("pass", check(live.json(), Watchdog.CHECK).path("status").asText());

        // LlamaStack's startup probe keeps its shape; /v1/providers shows the background verdicts.
        Reply v1 = get(server.port(), "/v1/health");
        assertEquals(200, v1.status());
        assertEquals("OK", v1.json().path("status").asText());
        JsonNode providers = get(server.port(), "/v1/providers").json().path("data");
        assertEquals("OK", providers.get(0).path("health").path("status").asText(), providers.toString());
        assertEquals("Error", providers.get(1).path("health").path("status").asText(), providers.toString());
        assertTrue(providers.get(1).path("health").path("message").asText().contains("cannot connect"));
    }

    @Test
    void anOptionalProviderThatFailsIsReportedButLeavesThePodReady() throws IOException {
        int port = closedPort();
        StackwatchServer server = start(withUpstream("http://127.0.0.1:" + port + "/v1", 2000, ""));

        Reply ready = Polling.awaitValue(Duration.ofSeconds(15), "the optional upstream's failure to be reported", () -> {
            Reply r = get(server.managementPort(), "/ready");
            return check(r.json(), "provider:upstream").path("reason").asText().contains("cannot connect") ? r : null;
        });
        assertEquals(200, ready.status(), ready.json().toString());
        assertEquals("warn", ready.json().path("status").asText());
        assertEquals("warn", check(ready.json(), "provider:upstream").path("status").asText());
        assertEquals("pass", check(ready.json(), "provider:simulator").path("status").asText());

        // Reported on the metrics the alerts read: the provider is unhealthy, the instance stays ready.
        String metrics = client(server.managementPort()).get("/metrics").body();
        assertTrue(metrics.contains("llamastack_provider_health{provider=\"upstream\"} 0.0"), metrics);
        assertTrue(metrics.contains("llamastack_ready 1.0"), metrics);
        // The healthy model keeps serving.
        assertEquals(200, post(server.port(), "/v1/chat/completions", """
                {"model":"sim-chat","messages":[{"role":"user","content":"hi"}]}""").status());
    }

    @Test
    void readinessRecoversWhenTheUpstreamComesBackAndFailsWhenItGoesAgain() throws IOException {
        int port = closedPort();
        StackwatchServer server = start(withUpstream("http://127.0.0.1:" + port + "/v1", 2000));
        awaitReady(server, 503, "readiness to fail while the upstream is down");

        // The upstream comes up on the port the provider was configured with: the simulator, served by Stackwatch.
        RunConfig upstreamConfig = TestServers.config(TestServers.FAST_SIMULATOR);
        try (StackwatchServer upstream = StackwatchServer.start(
                upstreamConfig.withServer(upstreamConfig.server().withPorts(port, ServerConfig.NO_MANAGEMENT)))) {
            Reply ready = awaitReady(server, 200, "readiness to pass once the upstream answers");
            assertEquals("pass", check(ready.json(), "provider:upstream").path("status").asText());
        }
        Reply down = awaitReady(server, 503, "readiness to fail once the upstream is gone again");
        assertEquals("fail", check(down.json(), "provider:upstream").path("status").asText());
    }

    @Test
    void readinessWaitsForModelsToLoadWhileRequestsGet503WithRetryAfter() {
        StackwatchServer server = start("""
                version: 2
                providers:
                  inference:
                  - provider_id: simulator
                    provider_type: inline::simulator
                    config: {ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 4, max_tokens: 8, load_time_ms: 1500}
                registered_resources:
                  models:
                  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
                server:
                  health: {interval_ms: 100, timeout_ms: 500}
                """);
        Reply ready = get(server.managementPort(), "/ready");
        assertEquals(503, ready.status(), ready.json().toString());
        assertEquals("no model is ready (sim-chat: loading)", check(ready.json(), "models").path("reason").asText());
        assertEquals(200, get(server.managementPort(), "/health").status());

        String chat = """
                {"model":"sim-chat","messages":[{"role":"user","content":"hi"}]}""";
        Reply refused = post(server.port(), "/v1/chat/completions", chat);
        assertEquals(503, refused.status(), refused.json().toString());
        assertEquals("5", refused.raw().headers().firstValue("Retry-After").orElse(null));
        assertEquals("model_not_ready", refused.json().path("error").path("code").asText());
        assertEquals("model 'sim-chat' is still loading; retry shortly",
                refused.json().path("error").path("message").asText());

        Reply passed = awaitReady(server, 200, "readiness once the model loaded");
        assertEquals("pass", passed.json().path("status").asText());
        assertEquals(200, post(server.port(), "/v1/chat/completions", chat).status());
    }

    @Test
    void probesAnswerFastWhileAProviderHangs() throws IOException {
        ServerSocket hanging = new ServerSocket(0);
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        cleanup.add(hanging);
        cleanup.add(() -> accepted.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing test sockets
            }
        }));
        // Accepts every connection and never answers, like a wedged upstream.
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add(hanging.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        int healthTimeoutMs = 3000;
        StackwatchServer server = start(withUpstream("http://127.0.0.1:" + hanging.getLocalPort() + "/v1",
                healthTimeoutMs));
        Reply timedOut = Polling.awaitValue(Duration.ofSeconds(15), "the hanging check to time out", () -> {
            Reply r = get(server.managementPort(), "/ready");
            return check(r.json(), "provider:upstream").path("reason").asText().contains("timed out") ? r : null;
        });
        assertEquals(503, timedOut.status());
        assertEquals("health check timed out after 3000 ms",
                check(timedOut.json(), "provider:upstream").path("reason").asText());

        // A probe that called the provider would take the whole health timeout (3 s); these read the last verdict.
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            millis.add(timed(() -> get(server.managementPort(), "/ready")));
            millis.add(timed(() -> get(server.managementPort(), "/health")));
            millis.add(timed(() -> get(server.port(), "/v1/providers")));
        }
        Collections.sort(millis);
        System.out.printf("probe latency while a provider hangs: median %d ms, max %d ms over %d probes%n",
                millis.get(millis.size() / 2), millis.getLast(), millis.size());
        assertTrue(millis.getLast() < 500, "slowest probe took " + millis.getLast() + " ms: " + millis);
        assertEquals(200, get(server.managementPort(), "/health").status());
    }

    private static long timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
