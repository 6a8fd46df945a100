package dev.stackwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.DelayingProxy;
import dev.stackwatch.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code stackwatch bench --compare-metrics} as users run it, a separate process against a real server: on a healthy
 * server client and server agree and it exits 0; with a delay in front of the server (a TCP proxy holding each request
 * 300 ms) the client's times leave the server's buckets and it exits 1, naming what disagrees.
 */
class BenchComparesWithServerMetricsTest {
    private static final Duration DELAY = Duration.ofMillis(300);
    /**
     * A 200 ms first token sits in the (100, 250] ms bucket: a healthy client may see up to a bucket more (a busy
     * CI machine adds tens of ms to the client's side), a 300 ms delay lands beyond that.
     */
    private static final String SERVER = """
            version: 2
            providers:
              inference:
              - provider_id: simulator
                provider_type: inline::simulator
                config: {ttft_ms: 200, inter_token_ms: 20, jitter: 0, min_tokens: 10, max_tokens: 10}
            registered_resources:
              models:
              - {model_id: sim-chat, provider_id: simulator, model_type: llm}
            """;

    private record Run(int exit, String out) {}

    private static Run bench(int apiPort, int managementPort) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "dev.stackwatch.Main", "bench",
                "--url", "http://127.0.0.1:" + apiPort + "/v1", "--model", "sim-chat", "--concurrency", "2",
                "--requests", "30", "--stream", "--prompt-tokens", "8:16", "--max-tokens", "10", "--no-progress",
                "--compare-metrics", "http://127.0.0.1:" + managementPort + "/metrics"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bench finishes");
        return new Run(p.exitValue(), out);
    }

    @Test
    void aHealthyServerAgreesAndADelayInFrontOfItDisagrees() throws Exception {
        try (StackwatchServer server = TestServers.start(SERVER)) {
            Run healthy = bench(server.port(), server.managementPort());
            assertTrue(healthy.out().lines().anyMatch(l -> l.matches("requests\\s+30\\s+30\\s+exact\\s+ok")),
                    healthy.out());
            assertTrue(healthy.out().contains("client and server agree"), healthy.out());
            assertEquals(0, healthy.exit(), healthy.out());

            try (DelayingProxy proxy = new DelayingProxy(server.port(), DELAY)) {
                Run delayed = bench(proxy.port(), server.managementPort());
                // Counts still agree: the proxy loses nothing. Times do not: 300 ms the server never saw.
                assertTrue(delayed.out().lines().anyMatch(l -> l.matches("requests\\s+30\\s+30\\s+exact\\s+ok")),
                        delayed.out());
                assertTrue(delayed.out().lines().anyMatch(l -> l.matches("ttft p50\\s.*DISAGREES")), delayed.out());
                assertTrue(delayed.out().contains("client and server DISAGREE"), delayed.out());
                assertEquals(1, delayed.exit(), delayed.out());
            }
        }
    }
}
