package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.ServerProcess;
import dev.stackwatch.testing.SimulatorUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a real process at LOG_LEVEL=debug in front of a remote upstream, where a third-party HTTP client's
 * wire and header loggers would print every prompt and every configured upstream header: with LOG_PROMPTS off,
 * neither the prompt nor a custom header's secret value nor the API key reaches stdout or stderr.
 */
class UpstreamDebugLogsProcessTest {
    private static final String HEADER_SECRET = "org-secret-5c0ffee1d";
    private static final String API_KEY = "sk-upstream-key-91be3";
    private static final String PROMPT = "PROMPT-MARKER-d2a7";

    @Test
    void debugLoggingLeaksNoPromptAndNoUpstreamHeaderSecret(@TempDir Path dir) throws IOException {
        try (SimulatorUpstream upstream = SimulatorUpstream.start("{ttft_ms: 1, inter_token_ms: 1, jitter: 0}")) {
            Path config = Files.writeString(dir.resolve("run.yaml"), """
                    version: 2
                    providers:
                      inference:
                      - provider_id: remote
                        provider_type: remote::openai
                        config: {base_url: "%s", api_key: %s, headers: {X-Org-Secret: %s}}
                    registered_resources:
                      models:
                      - {model_id: chat, provider_id: remote, provider_model_id: sim-chat, model_type: llm}
                      - {model_id: embed, provider_id: remote, provider_model_id: sim-embed, model_type: embedding}
                    """.formatted(upstream.baseUrl(), API_KEY, HEADER_SECRET));
            List<String> output = new ArrayList<>();
            try (HttpCalls http = new HttpCalls()) {
                ServerProcess server = new ServerProcess(dir, Map.of("LOG_LEVEL", "debug", "LOG_PROMPTS", "false"),
                        "--config", config.toString());
                try {
                    String api = "http://127.0.0.1:" + server.port();
                    // The listener is up before the remote models are: their first check reaches the upstream.
                    String ready = "http://127.0.0.1:" + server.managementPort() + "/ready";
                    Polling.await(Duration.ofSeconds(30), "the models to be ready",
                            () -> http.send(ready, null).statusCode() == 200);
                    for (boolean stream : new boolean[] {false, true}) {
                        assertEquals(200, http.send(api + "/v1/chat/completions", """
                                {"model": "chat", "stream": %s, "max_tokens": 4,
                                 "messages": [{"role": "user", "content": "%s"}]}""".formatted(stream, PROMPT))
                                .statusCode());
                    }
                    assertEquals(200, http.send(api + "/v1/embeddings",
                            "{\"model\": \"embed\", \"input\": \"" + PROMPT + "\"}").statusCode());
                } finally {
                    server.close();
                }
                output.addAll(server.stdout());
                output.addAll(server.stderr());
            }
            assertTrue(output.stream().anyMatch(l -> l.contains("DEBUG")), "the run logged at debug");
            assertTrue(upstream.inferenceRequests(null).size() >= 3, "the calls reached the upstream");
            for (String secret : List.of(PROMPT, HEADER_SECRET, API_KEY)) {
                List<String> leaks = output.stream().filter(l -> l.contains(secret)).toList();
                assertEquals(List.of(), leaks, secret + " leaked into the logs");
            }
        }
    }
}
