package dev.stackwatch.testing;

import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.server.StackwatchServer;
import java.time.Duration;
import java.util.Map;

/** Starts the real server in-process on 127.0.0.1 and free ports. */
public final class TestServers {
    /** Fast simulator: tests get real streams without waiting. */
    public static final String FAST_SIMULATOR = """
            version: 2
            providers:
              inference:
              - provider_id: simulator
                provider_type: inline::simulator
                config: {ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 8, max_tokens: 24}
            registered_resources:
              models:
              - {model_id: sim-chat, provider_id: simulator, model_type: llm}
              - {model_id: org/sim-chat-2, provider_id: simulator, model_type: llm}
              - {model_id: sim-embed, provider_id: simulator, model_type: embedding, metadata: {embedding_dimension: 64}}
            """;

    private TestServers() {
    }

    public static RunConfig config(String yaml) {
        RunConfig c = new ConfigLoader(Map.of(), w -> {}).parse(yaml, "test-run.yaml");
        return c.withServer(new ServerConfig("127.0.0.1", 0, 0, c.server().maxRequestBodyBytes(),
                c.server().security()));
    }

    /** Starts and waits until every model has finished loading (ready or failed). */
    public static StackwatchServer start(String yaml) {
        return startAndAwait(config(yaml));
    }

    public static StackwatchServer startAndAwait(RunConfig config) {
        StackwatchServer server = StackwatchServer.start(config);
        Polling.await(Duration.ofSeconds(20), "models to finish loading", () -> server.catalog().models().stream()
                .noneMatch(m -> server.catalog().state(m.id()) instanceof ModelState.Loading));
        return server;
    }
}
