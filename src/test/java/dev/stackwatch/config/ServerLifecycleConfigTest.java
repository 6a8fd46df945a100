package dev.stackwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code server.health} and {@code server.drain_timeout_ms}. */
class ServerLifecycleConfigTest {
    private static final String PROVIDERS = """
            version: 2
            providers:
              inference:
              - {provider_id: simulator, provider_type: inline::simulator}
            """;
    private final List<String> warnings = new ArrayList<>();

    private ServerConfig server(String serverBlock) {
        return new ConfigLoader(Map.of(), warnings::add).parse(PROVIDERS + serverBlock, "run.yaml").server();
    }

    @Test
    void defaultsFitKubernetesGracePeriodAndProbeTimings() {
        ServerConfig s = server("");
        assertEquals(Duration.ofSeconds(20), s.drainTimeout());
        assertEquals(new HealthCheckConfig(Duration.ofSeconds(5), Duration.ofSeconds(2)), s.health());
    }

    @Test
    void readsHealthIntervalTimeoutAndDrainTimeout() {
        ServerConfig s = server("""
                server:
                  drain_timeout_ms: 1500
                  health: {interval_ms: 250, timeout_ms: 100, every: 3}
                """);
        assertEquals(Duration.ofMillis(1500), s.drainTimeout());
        assertEquals(new HealthCheckConfig(Duration.ofMillis(250), Duration.ofMillis(100)), s.health());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("every")), warnings.toString());
    }

    @Test
    void rejectsAnIntervalTooShortToMean() {
        ConfigException e = assertThrows(ConfigException.class, () -> server("""
                server:
                  health: {interval_ms: 0}
                """));
        assertTrue(e.getMessage().contains("server.health.interval_ms"), e.getMessage());
    }
}
