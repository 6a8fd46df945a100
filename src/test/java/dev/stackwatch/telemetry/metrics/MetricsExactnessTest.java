package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every counter equals what the clients saw, to the unit: a burst of concurrent requests of every kind (ok, streamed,
 * completions, embeddings, client errors, a failing provider, a client that hangs up mid-stream) against a real server.
 */
class MetricsExactnessTest {
    /** The fast simulator plus a model that always fails and one slow enough to hang up on mid-stream. */
    static final String CONFIG = TestServers.FAST_SIMULATOR + """
              - {model_id: sim-broken, provider_id: simulator, model_type: llm, metadata: {error_rate: 1.0}}
              - {model_id: sim-slow, provider_id: simulator, model_type: llm,
                 metadata: {inter_token_ms: 50, min_tokens: 40, max_tokens: 40}}
            """;
    static final int EACH = 5;

    @RegisterExtension
    static final RunningServer server = new RunningServer(CONFIG);

    static final ObjectMapper JSON = new ObjectMapper();

    /** What one client saw. {@code usage} is null when the response carried none. */
    record Seen(String endpoint, int status, String model, String operation, boolean stream, String finishReason,
                JsonNode usage) {}

    @Test
    void countersEqualWhatClientsSaw() throws Exception {
        List<Callable<Seen>> work = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
            work.add(() -> chat("sim-chat", false));
            work.add(() -> chat("sim-chat", true));
            work.add(this::completion);
            work.add(this::embedding);
            work.add(() -> post("/v1/chat/completions", "{not json", "sim-chat", "chat"));
            work.add(() -> post("/v1/chat/completions", chatBody("no-such-model", false), "no-such-model", "chat"));
            work.add(() -> chat("sim-broken", false));
        }
        work.add(this::cancelAfterFirstChunk);
        List<Seen> seen = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Seen> f : pool.invokeAll(work)) {
                seen.add(f.get());
            }
        }

        // The hung-up stream ends on the server only when its next write fails: poll, bounded, for it to finish.
        Scrape scrape = Polling.awaitValue(Duration.ofSeconds(10), "every request to finish", () -> {
            Scrape s = server.scrape();
            return s.sum("llamastack_requests_in_flight") == 0
                    && s.sum("llamastack_inference_requests_total", Map.of("outcome", "cancelled")) == 1 ? s : null;
        });

        Map<String, Long> byStatusAndEndpoint = seen.stream()
                .collect(Collectors.groupingBy(s -> s.endpoint() + " " + s.status(), Collectors.counting()));
        byStatusAndEndpoint.forEach((key, count) -> {
            String[] parts = key.split(" ");
            assertEquals((double) count, scrape.sum("llamastack_requests_total",
                    Map.of("method", "POST", "endpoint", parts[0], "status", parts[1])), "requests_total " + key);
        });
        // Only this test POSTs; the others in this class GET.
        Map<String, String> posts = Map.of("method", "POST");
        assertEquals(seen.size(), scrape.sum("llamastack_requests_total", posts), "no request counted twice or missed");
        assertEquals(seen.size(), scrape.sum("llamastack_request_duration_seconds_count", posts));
        assertEquals(EACH, scrape.sum("llamastack_requests_total", Map.of("method", "POST", "status", "400")));
        assertEquals(EACH, scrape.sum("llamastack_requests_total", Map.of("method", "POST", "status", "404")));
        assertEquals(EACH, scrape.sum("llamastack_requests_total", Map.of("method", "POST", "status", "500")));

        for (String model : List.of("sim-chat", "sim-embed")) {
            Predicate<Seen> served = s -> s.model().equals(model) && s.usage() != null;
            assertEquals(sumUsage(seen, served, "prompt_tokens"), scrape.sum("llamastack_tokens_total",
                    Map.of("model", model, "provider", "simulator", "type", "input")), "input tokens of " + model);
            assertEquals(sumUsage(seen, served.and(s -> !s.operation().equals("embeddings")), "completion_tokens"),
                    scrape.sum("llamastack_tokens_total", Map.of("model", model, "type", "output")),
                    "output tokens of " + model);
        }
        assertTrue(scrape.sum("llamastack_tokens_total", Map.of("type", "output")) > 0, "tokens were counted at all");

        Map<String, Long> outcomes = seen.stream().filter(s -> s.finishReason() != null)
                .collect(Collectors.groupingBy(s -> s.model() + " " + s.operation() + " " + s.finishReason(),
                        Collectors.counting()));
        outcomes.forEach((key, count) -> {
            String[] parts = key.split(" ");
            assertEquals((double) count, scrape.sum("llamastack_inference_requests_total",
                    Map.of("model", parts[0], "operation", parts[1], "outcome", parts[2])), "outcome " + key);
        });
        assertEquals(EACH, scrape.sum("llamastack_inference_requests_total",
                Map.of("model", "sim-broken", "outcome", "error")));
        assertEquals(1, scrape.sum("llamastack_inference_requests_total",
                Map.of("model", "sim-slow", "outcome", "cancelled")));
        assertEquals(EACH * 5 + 1, scrape.sum("llamastack_inference_requests_total"),
                "requests that never reached a provider (bad JSON, unknown model) are no provider calls");
        assertEquals(EACH, scrape.sum("llamastack_provider_errors_total",
                Map.of("provider", "simulator", "kind", "internal")));
        assertEquals(EACH, scrape.sum("llamastack_provider_errors_total"), "a cancelled call is no provider error");

        long streamed = seen.stream().filter(s -> s.stream() && s.model().equals("sim-chat")).count();
        assertEquals(streamed, scrape.sum("llamastack_time_to_first_token_seconds_count", Map.of("model", "sim-chat")));
        assertEquals(sumUsage(seen, s -> s.stream() && s.model().equals("sim-chat"), "completion_tokens") - streamed,
                scrape.sum("llamastack_inter_token_latency_seconds_count", Map.of("model", "sim-chat")),
                "one inter-token gap per streamed token after the first");
        assertEquals(streamed, scrape.sum("llamastack_inference_latency_seconds_count",
                Map.of("model", "sim-chat", "operation", "chat", "stream", "true")));
        assertEquals(0, scrape.sum("llamastack_requests_in_flight"));
        assertEquals(1, scrape.sum("llamastack_model_ready", Map.of("model", "sim-chat", "provider", "simulator")));
        assertEquals(1, scrape.sum("llamastack_ready"));
        assertEquals(1, scrape.sum("llamastack_provider_health", Map.of("provider", "simulator")));
        assertEquals(1, scrape.sum("llamastack_build_info"));
        assertEquals(5, scrape.series("llamastack_model_load_time_seconds").size(), "one load time per model");
        assertTrue(scrape.sum("process_cpu_seconds_total") > 0, "process metrics are exposed");
        assertTrue(scrape.sum("jvm_memory_used_bytes") > 0, "JVM metrics are exposed");
    }

    @Test
    void unmatchedPathsAreLabelledOther() throws Exception {
        double before = server.scrape().sum("llamastack_requests_total",
                Map.of("method", "GET", "endpoint", "other", "status", "404"));
        try (HttpClient client = client()) {
            for (String path : List.of("/nope", "/v1/secret-user-text-1", "/v1/secret-user-text-2")) {
                assertEquals(404, client.send(HttpRequest.newBuilder(api(path)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            }
        }
        Scrape scrape = server.scrape();
        assertEquals(before + 3, scrape.sum("llamastack_requests_total",
                Map.of("method", "GET", "endpoint", "other", "status", "404")));
        assertTrue(scrape.text().lines().noneMatch(l -> l.contains("secret-user-text")), "raw paths never become labels");
    }

    @Test
    void activeConnectionsFollowOpenSockets() throws IOException {
        double before = server.scrape().sum("llamastack_active_connections");
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).endsWith("200"));
            Polling.await(Duration.ofSeconds(5), "the open socket to be counted", () ->
                    server.scrape().sum("llamastack_active_connections") == before + 1);
        }
        Polling.await(Duration.ofSeconds(5), "the closed socket to be uncounted", () ->
                server.scrape().sum("llamastack_active_connections") == before);
    }

    private Seen chat(String model, boolean stream) throws Exception {
        return post("/v1/chat/completions", chatBody(model, stream), model, "chat");
    }

    private Seen completion() throws Exception {
        return post("/v1/completions", "{\"model\":\"sim-chat\",\"prompt\":\"Once upon a time\"}", "sim-chat",
                "completion");
    }

    private Seen embedding() throws Exception {
        return post("/v1/embeddings", "{\"model\":\"sim-embed\",\"input\":[\"one two three\",\"four five\"]}",
                "sim-embed", "embeddings");
    }

    private static String chatBody(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"stream_options\":"
                + (stream ? "{\"include_usage\":true}" : "null")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about metrics\"}]}";
    }

    private Seen post(String endpoint, String body, String model, String operation) throws Exception {
        try (HttpClient client = client()) {
            HttpResponse<String> res = client.send(HttpRequest.newBuilder(api(endpoint))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            boolean stream = res.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            if (res.statusCode() != 200) {
                return new Seen(endpoint, res.statusCode(), model, operation, stream, null, null);
            }
            if (!stream) {
                JsonNode json = JSON.readTree(res.body());
                String finish = operation.equals("embeddings") ? "stop" : json.at("/choices/0/finish_reason").asText();
                return new Seen(endpoint, 200, model, operation, false, finish, json.get("usage"));
            }
            String finish = null;
            JsonNode usage = null;
            for (String line : res.body().split("\n")) {
                if (!line.startsWith("data: {")) {
                    continue;
                }
                JsonNode chunk = JSON.readTree(line.substring(6));
                if (chunk.at("/choices/0/finish_reason").isTextual()) {
                    finish = chunk.at("/choices/0/finish_reason").asText();
                }
                if (chunk.hasNonNull("usage")) {
                    usage = chunk.get("usage");
                }
            }
            return new Seen(endpoint, 200, model, operation, true, finish, usage);
        }
    }

    /** Reads the stream until its first chunk, then hangs up: the client cancelled. */
    private Seen cancelAfterFirstChunk() throws IOException {
        String body = chatBody("sim-slow", true);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder received = new StringBuilder();
            while (!received.toString().contains("data: ")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("stream ended before its first chunk: " + received);
                }
                received.append((char) b);
            }
            assertTrue(received.toString().startsWith("HTTP/1.1 200"), received.toString());
        }
        return new Seen("/v1/chat/completions", 200, "sim-slow", "chat", true, null, null);
    }

    private static long sumUsage(List<Seen> seen, Predicate<Seen> which, String field) {
        return seen.stream().filter(which).filter(s -> s.usage() != null).mapToLong(s -> s.usage().get(field).asLong())
                .sum();
    }

    private static URI api(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
}
