package dev.stackwatch.security;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stackwatch.config.RunConfig;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The management port's guard in front of the real /metrics and /loggers endpoints: a 200 shows a request got past
 * it, a 401/403 that it did not. Level changes go to a logger nothing else uses, so no other test sees them.
 */
class ManagementAccessTest {
    private static final String METRICS = "metrics-token-0123456789";
    private static final String ADMIN = "admin-token-0123456789ab";

    @Test
    void metricsNeedItsTokenAndChangesNeedTheAdminTokenWhileProbesStayOpen() throws Exception {
        try (RunningServer server = RunningServer.start(TestServers.FAST_SIMULATOR + """
                server:
                  management: {metrics_token: %s, admin_token: %s}
                """.formatted(METRICS, ADMIN))) {
            Management m = new Management(server.management());
            assertEquals(200, m.get("/health", null).statusCode());
            HttpResponse<String> noToken = m.get("/metrics", null);
            assertErrorShape(noToken, 401, "invalid_api_key");
            assertEquals("Bearer realm=\"stackwatch\"", noToken.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertErrorShape(m.get("/metrics", ADMIN), 401, "invalid_api_key");
            assertEquals(200, m.get("/metrics", METRICS).statusCode(), "past the guard");
            assertErrorShape(m.post("/loggers/stackwatch.test.guard", null), 401, "invalid_api_key");
            assertErrorShape(m.post("/loggers/stackwatch.test.guard", METRICS), 401, "invalid_api_key");
            assertEquals(200, m.post("/loggers/stackwatch.test.guard", ADMIN).statusCode(), "past the guard");
            assertEquals(200, m.get("/loggers", null).statusCode(), "reading is not a change");
        }
    }

    @Test
    void theConsoleNeedsTheMetricsTokenAsABearerOrAsTheBasicPasswordABrowserAsksFor() throws Exception {
        try (RunningServer server = RunningServer.start(TestServers.FAST_SIMULATOR + """
                server:
                  management: {metrics_token: %s}
                """.formatted(METRICS))) {
            Management m = new Management(server.management());
            for (String path : new String[] {"/console", "/console/", "/console/data"}) {
                HttpResponse<String> noToken = m.get(path, null);
                assertErrorShape(noToken, 401, "invalid_api_key");
                assertEquals("Basic realm=\"stackwatch console\", charset=\"UTF-8\"",
                        noToken.headers().firstValue("WWW-Authenticate").orElseThrow(), path);
                assertErrorShape(m.get(path, ADMIN), 401, "invalid_api_key");
                assertErrorShape(m.basic(path, "admin:" + ADMIN), 401, "invalid_api_key");
                assertEquals(200, m.get(path, METRICS).statusCode(), path + " with the bearer token");
                assertEquals(200, m.basic(path, "anyone:" + METRICS).statusCode(), path + " with Basic");
            }
            assertEquals(200, m.get("/health", null).statusCode(), "probes stay open");
        }
    }

    @Test
    void withoutAnAdminTokenChangesAreAllowedFromLoopbackAndMetricsAreOpen() throws Exception {
        try (RunningServer server = RunningServer.start(TestServers.FAST_SIMULATOR)) {
            Management m = new Management(server.management());
            assertEquals(200, m.get("/metrics", null).statusCode(), "no metrics token configured");
            assertEquals(200, m.post("/loggers/stackwatch.test.guard", null).statusCode(), "127.0.0.1 is loopback");
            assertEquals(200, m.get("/console/data", null).statusCode(), "no metrics token: the console is open too");
        }
    }

    @Test
    void onASharedListenerTheApiKeyAndTheManagementRulesBothApply() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        RunConfig config = TestServers.config(TestServers.FAST_SIMULATOR + """
                server:
                  auth: {api_keys: [{name: ci, token: %s}]}
                  management: {metrics_token: %s}
                """.formatted(ADMIN, METRICS));
        try (RunningServer server = RunningServer.start(config.withServer(
                config.server().withPorts(port, port)))) {
            Management m = new Management(server.api());
            assertEquals(server.port(), server.managementPort());
            assertEquals(200, m.get("/health", null).statusCode());
            assertEquals(200, m.get("/v1/health", null).statusCode());
            assertErrorShape(m.get("/metrics", null), 401, "invalid_api_key");
            assertEquals(200, m.get("/metrics", METRICS).statusCode(), "past both guards");
            assertErrorShape(m.get("/v1/models", null), 401, "invalid_api_key");
            assertEquals(200, m.get("/v1/models", ADMIN).statusCode(), "API routes are not management changes");
        }
    }

    private record Management(Http http) {
        HttpResponse<String> get(String path, String token) {
            return http.get(path, Http.bearer(token));
        }

        HttpResponse<String> basic(String path, String userAndPassword) {
            return http.get(path, Map.of("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8))));
        }

        HttpResponse<String> post(String path, String token) {
            return http.post(path, "{\"level\":\"DEBUG\"}", Http.bearer(token));
        }
    }
}
