package dev.stackwatch.health;

import dev.stackwatch.api.JsonResponses;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;

/**
 * The Kubernetes probes on the management port: {@code GET /health} (liveness) and {@code GET /ready} (readiness),
 * 200 when the report passes and 503 when it fails, with the report naming each check.
 */
public final class HealthEndpoints {
    /** Probe paths; they stay open while the API drains, so a shared listener does not fail liveness on shutdown. */
    public static final Set<String> PATHS = Set.of("/health", "/ready");

    private final HealthMonitor monitor;
    private final JsonResponses responses;

    public HealthEndpoints(HealthMonitor monitor, JsonResponses responses) {
        this.monitor = monitor;
        this.responses = responses;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/health", (req, res) -> send(res, monitor.liveness()))
                .get("/ready", (req, res) -> send(res, monitor.readiness()));
    }

    private void send(ServerResponse res, HealthReport report) {
        responses.send(res, report.passed() ? 200 : 503, report);
    }
}
