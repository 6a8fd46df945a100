package dev.stackwatch.testing;

import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.telemetry.TelemetrySettings;
import java.time.Duration;
import java.util.List;
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

    /**
     * run.yaml for Stackwatch in front of a LlamaStack distribution on {@code upstreamPort} (a {@link SimulatorUpstream}
     * with {@code distribution: true}): provider {@code stack}, model {@code sim-chat}. {@code providerConfig} adds keys
     * to the provider's config map; more models may be appended as lines of the models list.
     */
    public static String inFrontOfDistribution(int upstreamPort, String providerConfig) {
        return """
                version: 2
                providers:
                  inference:
                  - provider_id: stack
                    provider_type: remote::llama-stack
                    config: {url: "http://127.0.0.1:%d"%s}
                registered_resources:
                  models:
                  - {model_id: sim-chat, provider_id: stack, model_type: llm}
                """.formatted(upstreamPort, providerConfig.isEmpty() ? "" : ", " + providerConfig);
    }

    public static RunConfig config(String yaml) {
        RunConfig c = new ConfigLoader(Map.of(), w -> {}).parse(yaml, "test-run.yaml");
        return c.withServer(c.server().onLoopback(0, 0));
    }

    /** Starts and waits until every model has finished loading (ready or failed). */
    public static StackwatchServer start(String yaml) {
        return startAndAwait(config(yaml));
    }

    public static StackwatchServer startAndAwait(RunConfig config) {
        return startAndAwait(config, TelemetrySettings.DEFAULTS);
    }

    /** With telemetry settings, e.g. {@code TelemetrySettings.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ...))}. */
    public static StackwatchServer startAndAwait(RunConfig config, TelemetrySettings telemetry) {
        StackwatchServer server = StackwatchServer.start(config, telemetry, List.of());
        Polling.await(Duration.ofSeconds(20), "models to finish loading", () -> server.catalog().models().stream()
                .noneMatch(m -> server.catalog().state(m.id()) instanceof ModelState.Loading));
        return server;
    }
}
