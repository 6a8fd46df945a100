package dev.stackwatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.testing.Polling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM against the real process while 50 streams run: every client gets either its whole stream or an explicit SSE
 * error event, readiness fails at once, new requests are refused, and the process exits 0 within the drain timeout.
 */
class GracefulShutdownTest {
    private static final int STREAMS = 50;
    private static final int DRAIN_TIMEOUT_MS = 4000;
    /**
     * Short streams (10 tokens x 50 ms) end well inside the drain timeout even on a loaded machine; long ones
     * (120 x 50 ms) cannot end before it, however fast the machine.
     */
    private static final String RUN_YAML = """
            version: 2
            providers:
              inference:
              - provider_id: simulator
                provider_type: inline::simulator
                config: {ttft_ms: 20, inter_token_ms: 50, jitter: 0}
            registered_resources:
              models:
              - {model_id: short, provider_id: simulator, model_type: llm, metadata: {min_tokens: 10, max_tokens: 10}}
              - {model_id: long, provider_id: simulator, model_type: llm, metadata: {min_tokens: 120, max_tokens: 120}}
            server:
              host: 127.0.0.1
              port: %d
              management_port: %d
              drain_timeout_ms: %d
              health: {interval_ms: 200, timeout_ms: 1000}
            """;

    record Outcome(String model, int status, List<String> data, Exception failure) {
        boolean complete() {
            return failure == null && !data.isEmpty() && data.getLast().equals("[DONE]");
        }

        boolean endedWithError() {
            return failure == null && !data.isEmpty() && data.getLast().startsWith("{\"error\"");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sigtermDuringFiftyStreamsEndsEveryStreamExplicitlyAndExitsZero() throws Exception {
        int apiPort = freePort();
        int managementPort = freePort();
        Path config = Files.writeString(dir.resolve("run.yaml"), RUN_YAML.formatted(apiPort, managementPort,
                DRAIN_TIMEOUT_MS));
        Path log = dir.resolve("server.log");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.stackwatch.Main",
                "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Polling.await(Duration.ofSeconds(60), "the server to become ready",
                    () -> get(managementPort, "/ready").statusCode() == 200);

            CountDownLatch streaming = new CountDownLatch(STREAMS);
            List<Outcome> outcomes = new ArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                String model = i % 2 == 0 ? "short" : "long";
                clients.add(Thread.ofVirtual().start(() -> {
                    Outcome o = stream(apiPort, model, streaming);
                    synchronized (outcomes) {
                        outcomes.add(o);
                    }
                }));
            }
            // Non-streamed requests that outlive the deadline too: they must get an explicit 503, not a dropped connection.
            List<CompletableFuture<HttpResponse<String>>> whole = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                CompletableFuture<HttpResponse<String>> response = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try {
                        response.complete(post(apiPort, """
                                {"model":"long","messages":[{"role":"user","content":"hi"}]}""", Duration.ofSeconds(30)));
                    } catch (RuntimeException e) {
                        response.completeExceptionally(e);
                    }
                });
                whole.add(response);
            }
            assertTrue(streaming.await(30, TimeUnit.SECONDS), "all streams to get their first token; " + tail(log));

            long signalled = System.nanoTime();
            server.destroy(); // SIGTERM
            Polling.await(Duration.ofSeconds(5), "readiness to fail once draining",
                    () -> get(managementPort, "/ready").statusCode() == 503);
            long readinessFailedMs = millisSince(signalled);

            HttpResponse<String> refused = post(apiPort, """
                    {"model":"short","messages":[{"role":"user","content":"hi"}]}""", Duration.ofSeconds(5));
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("server_draining", json.readTree(refused.body()).path("error").path("code").asText());
            assertEquals("close", refused.headers().firstValue("Connection").orElse(null));

            assertTrue(server.waitFor(DRAIN_TIMEOUT_MS + 8000, TimeUnit.MILLISECONDS),
                    "the process to exit after draining; " + tail(log));
            long exitedMs = millisSince(signalled);
            assertEquals(0, server.exitValue(), tail(log));
            for (Thread t : clients) {
                assertTrue(t.join(Duration.ofSeconds(10)), "a client to finish");
            }

            for (CompletableFuture<HttpResponse<String>> w : whole) {
                HttpResponse<String> r = w.get(10, TimeUnit.SECONDS);
                assertEquals(503, r.statusCode(), r.body());
                JsonNode error = json.readTree(r.body()).path("error");
                assertEquals("server_draining", error.path("code").asText(), r.body());
                assertTrue(error.path("message").asText().contains("did not finish within the drain timeout"), r.body());
            }

            int complete = 0;
            int errors = 0;
            for (Outcome o : outcomes) {
                assertEquals(200, o.status(), o.toString());
                if (o.complete()) {
                    complete++;
                } else if (o.endedWithError()) {
                    errors++;
                    JsonNode error = json.readTree(o.data().getLast()).path("error");
                    assertEquals("server_draining", error.path("code").asText(), o.toString());
                    assertEquals("server_error", error.path("type").asText(), o.toString());
                    assertEquals("long", o.model(), "a short stream was ended by the deadline: " + o);
                } else {
                    fail("stream cut silently: " + o + "\n" + tail(log));
                }
            }
            System.out.printf("SIGTERM: readiness 503 after %d ms; exit 0 after %d ms (drain timeout %d ms); "
                    + "%d streams complete, %d ended with an SSE error event, %d non-streamed requests got 503%n",
                    readinessFailedMs, exitedMs, DRAIN_TIMEOUT_MS, complete, errors, whole.size());
            assertEquals(STREAMS, outcomes.size());
            assertEquals(STREAMS / 2, complete, "every short stream completes");
            assertEquals(STREAMS / 2, errors, "every long stream ends with an error event");
            assertTrue(exitedMs >= DRAIN_TIMEOUT_MS, "exited before the drain timeout although streams were open");
            assertTrue(exitedMs < DRAIN_TIMEOUT_MS + 6000, "exit took " + exitedMs + " ms");
        } finally {
            server.destroyForcibly();
            http.close();
        }
    }

    private Outcome stream(int port, String model, CountDownLatch streaming) {
        List<String> data = new ArrayList<>();
        int status = -1;
        boolean counted = false;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"%s","stream":true,"messages":[{"role":"user","content":"tell me a story"}]}"""
                            .formatted(model)))
                    .build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data: ")) {
                        data.add(line.substring("data: ".length()));
                        if (!counted) {
                            counted = true;
                            streaming.countDown();
                        }
                    }
                }
            }
            return new Outcome(model, status, data, null);
        } catch (IOException | InterruptedException e) {
            return new Outcome(model, status, data, e);
        } finally {
            if (!counted) {
                streaming.countDown();
            }
        }
    }

    private HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build());
    }

    private HttpResponse<String> post(int port, String body, Duration timeout) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "server log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }
}
