package dev.stackwatch.testing;

import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.provider.simulator.FaultInjectionFilter;
import dev.stackwatch.server.StackwatchServer;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.RoutingRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The simulator as a separate OpenAI-compatible upstream on 127.0.0.1 (what {@code stackwatch simulate} runs), with
 * fault injection chosen per request by the {@code X-Simulator-Fault} header.
 */
public final class SimulatorUpstream implements AutoCloseable {
    /**
     * One request the upstream served: its fault, the headers it got, the client's port (one per connection, so
     * reuse shows) and how handling it ended.
     */
    public record Seen(String path, String fault, String traceparent, String authorization, int clientPort,
                       String outcome) {}

    private final StackwatchServer server;
    private final Queue<Seen> seen;

    private SimulatorUpstream(StackwatchServer server, Queue<Seen> seen) {
        this.server = server;
        this.seen = seen;
    }

    /** Models sim-chat (llm) and sim-embed (embedding, 64 dimensions); {@code config} is the simulator's config map. */
    public static SimulatorUpstream start(String config) {
        return start(config, 0);
    }

    /** On a given port (0: any free one), e.g. to bring back an upstream a test stopped, where its clients expect it. */
    public static SimulatorUpstream start(String config, int port) {
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
        Queue<Seen> seen = new ConcurrentLinkedQueue<>();
        StackwatchServer server = StackwatchServer.start(c.withServer(c.server().withPorts(port, ServerConfig.NO_MANAGEMENT)),
                List.of(recorder(seen), new FaultInjectionFilter(FaultInjectionFilter.Fault.NONE, Duration.ofSeconds(30))));
        Polling.await(Duration.ofSeconds(20), "simulator models ready", () -> server.catalog().anyReady());
        return new SimulatorUpstream(server, seen);
    }

    /** Records each request once it has been handled, including handling that ended by an exception. */
    private static Filter recorder(Queue<Seen> seen) {
        return (chain, req, res) -> {
            String outcome = "completed";
            try {
                chain.proceed();
            } catch (RuntimeException e) {
                outcome = e.getClass().getSimpleName();
                throw e;
            } finally {
                seen.add(new Seen(req.path().path(), header(req, FaultInjectionFilter.FAULT_HEADER),
                        header(req, "traceparent"), header(req, "Authorization"),
                        ((InetSocketAddress) req.remotePeer().address()).getPort(), outcome));
            }
        };
    }

    private static String header(RoutingRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).orElse(null);
    }

    /** Inference requests (not model listings) seen so far with the given fault header (null: none). */
    public List<Seen> inferenceRequests(String fault) {
        return seen.stream().filter(s -> !s.path().endsWith("/models") && Objects.equals(s.fault(), fault)).toList();
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
