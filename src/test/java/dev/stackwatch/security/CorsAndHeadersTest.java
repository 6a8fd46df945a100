package dev.stackwatch.security;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Security headers on every answer (refusals included), and CORS for the configured origin only, before auth. */
class CorsAndHeadersTest {
    private static final String ORIGIN = "https://app.example";
    private static final String TOKEN = "cors-token-0123456789abcdef";
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.FAST_SIMULATOR + """
            server:
              auth: {api_keys: [{name: web, token: %s}]}
              cors:
                allowed_origins: [%s]
                allowed_headers: [Authorization, Content-Type, X-Request-Id]
            """.formatted(TOKEN, ORIGIN));

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        for (HttpResponse<String> res : new HttpResponse[] {
                send(request("/v1/models").header("Authorization", "Bearer " + TOKEN)),
                send(request("/v1/models")),
                send(request("/v1/health")),
                send(request("/v1/%3Cscript%3Ealert(1)%3C/script%3E").header("Authorization", "Bearer " + TOKEN))}) {
            assertEquals("nosniff", res.headers().firstValue("X-Content-Type-Options").orElse(null),
                    res.uri() + " " + res.statusCode());
            assertEquals("DENY", res.headers().firstValue("X-Frame-Options").orElse(null));
            assertTrue(res.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
            assertFalse(res.headers().firstValue("Strict-Transport-Security").isPresent(), "HSTS only over TLS");
        }
        HttpResponse<String> script = send(request("/v1/%3Cscript%3Ealert(1)%3C/script%3E")
                .header("Authorization", "Bearer " + TOKEN));
        assertErrorShape(script, 404, "route_not_found");
    }

    @Test
    void preflightFromAnAllowedOriginIsAnsweredWithoutAKey() throws Exception {
        HttpResponse<String> res = send(request("/v1/chat/completions").method("OPTIONS",
                        HttpRequest.BodyPublishers.noBody()).header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));
        assertEquals(204, res.statusCode(), res.body());
        assertEquals(ORIGIN, res.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("GET, POST, OPTIONS", res.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
        assertEquals("Authorization, Content-Type, X-Request-Id",
                res.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
        assertEquals("600", res.headers().firstValue("Access-Control-Max-Age").orElseThrow());
    }

    @Test
    void otherOriginsGetNoCorsHeadersAndTheirPreflightIsRefused() throws Exception {
        HttpResponse<String> preflight = send(request("/v1/models").method("OPTIONS",
                HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET"));
        assertErrorShape(preflight, 403, "forbidden");
        assertFalse(preflight.body().contains("evil"), "the origin is not echoed: " + preflight.body());
        HttpResponse<String> simple = send(request("/v1/models").header("Origin", "https://evil.example")
                .header("Authorization", "Bearer " + TOKEN));
        assertEquals(200, simple.statusCode());
        assertFalse(simple.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        HttpResponse<String> allowed = send(request("/v1/models").header("Origin", ORIGIN)
                .header("Authorization", "Bearer " + TOKEN));
        assertEquals(ORIGIN, allowed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("Origin", allowed.headers().firstValue("Vary").orElseThrow());
    }

    private static HttpRequest.Builder request(String path) {
        return server.api().request(path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return server.api().send(b, HttpResponse.BodyHandlers.ofString());
    }
}
