package dev.stackwatch.health;

import dev.stackwatch.api.JsonResponses;
import io.helidon.webserver.http.HttpRouting;
import java.util.List;

/** Liveness on the management port: answers while the process can serve, independent of any provider. */
public final class HealthEndpoints {
    record Report(String status, List<Object> checks) {}

    private final JsonResponses responses;

    public HealthEndpoints(JsonResponses responses) {
        this.responses = responses;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get("/health", (req, res) -> responses.send(res, new Report("pass", List.of())));
    }
}
