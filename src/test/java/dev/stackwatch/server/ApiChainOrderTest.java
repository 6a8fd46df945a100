package dev.stackwatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.TestServers;
import io.helidon.webserver.http.Filter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API chain as a started server installs it, every optional filter switched on: measurement outermost (so no
 * filter answers a request unseen), then the error boundary and the route label, then the lifecycle, identity and
 * policy filters in their order. Moving any filter breaks this list.
 */
class ApiChainOrderTest {
    @Test
    void measurementIsOutermostThenIdentityThenPolicy() throws Exception {
        try (OtlpReceiver otlp = new OtlpReceiver();
             StackwatchServer server = StackwatchServer.start(TestServers.config(TestServers.FAST_SIMULATOR + """
                     server:
                       auth: {api_keys: [{name: ops, token: order-token-0123456789abcdef}]}
                       cors: {allowed_origins: [https://good.example]}
                       limits: {requests_per_second: 10}
                     """), TelemetrySettings.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())),
                     List.of())) {
            assertEquals(List.of("Exchange", "RequestIdFilter", "TracingFilter", "AccessLogFilter", "HttpMetricsFilter",
                            "HttpErrorFilter", "ApiErrors", "ApiRoutes", "DrainFilter", "SecurityHeadersFilter",
                            "CorsFilter", "AuthFilter", "RateLimitFilter", "QuotaFilter", "StreamLimitFilter"),
                    server.apiFilters().stream().map(ApiChainOrderTest::owner).toList());
        }
    }

    /** A filter's class, or for a lambda the class that made it ({@code ApiErrors$$Lambda/0x...}). */
    private static String owner(Filter filter) {
        String name = filter.getClass().getName();
        String simple = name.substring(name.lastIndexOf('.') + 1);
        int lambda = simple.indexOf("$$");
        return lambda < 0 ? simple : simple.substring(0, lambda);
    }
}
