package dev.stackwatch.testing;

import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.provider.simulator.FaultInjectionFilter;
import dev.stackwatch.server.StackwatchServer;
import java.time.Duration;
import java.util.List;

/**
 * The simulator as a separate OpenAI-compatible upstream on 127.0.0.1 (what {@code stackwatch simulate} runs), with
 * fault injection chosen per request by the {@code X-Simulator-Fault} header.
 */
public final class SimulatorUpstream implements AutoCloseable {
    private final StackwatchServer server;

    private SimulatorUpstream(StackwatchServer server) {
        this.server = server;
    }

    /** Models sim-chat (llm) and sim-embed (embedding, 64 dimensions); {@code config} is the simulator's config map. */
    public static SimulatorUpstream start(String config) {
        RunConfig c = TestServers.config("""
                version: 2
                providers:
                  inference:
                  - provider_id: simulator
                    provider_type: inline::simulator
                    config: %s
                registered_resources:
                  models:
                  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
                  - {model_id: sim-embed, provider_id: simulator, model_type: embedding, metadata: {embedding_dimension: 64}}
                """.formatted(config));
        StackwatchServer server = StackwatchServer.start(c.withServer(c.server().withPorts(0, ServerConfig.NO_MANAGEMENT)),
                List.of(new FaultInjectionFilter(FaultInjectionFilter.Fault.NONE, Duration.ofSeconds(30))));
        Polling.await(Duration.ofSeconds(20), "simulator models ready", () -> server.catalog().anyReady());
        return new SimulatorUpstream(server);
    }

    public int port() {
        return server.port();
    }

    /** The OpenAI base URL, as remote::openai's base_url and remote::vllm's url take it. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    @Override
    public void close() {
        server.close();
    }
}
