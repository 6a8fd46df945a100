package dev.stackwatch.provider.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.TestCertificate;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote provider over HTTPS, against a real TLS upstream with a self-signed certificate made at test time:
 * {@code tls_verify} as a CA bundle trusts it (host name checked), {@code false} trusts anything, and the default
 * (the JDK's trust store) refuses it with a message that says why.
 */
class UpstreamTlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tlsVerifyDecidesWhichUpstreamCertificatesAreTrusted(@TempDir Path dir) throws Exception {
        TestCertificate cert = TestCertificate.create(dir);
        try (StackwatchServer upstream = servedWith(cert);
             StackwatchServer server = TestServers.start("""
                     version: 2
                     providers:
                       inference:
                       - provider_id: bundle
                         provider_type: remote::openai
                         config: {base_url: "%1$s", tls_verify: "%2$s"}
                       - provider_id: insecure
                         provider_type: remote::openai
                         config: {base_url: "%1$s", tls_verify: false}
                       - provider_id: system
                         provider_type: remote::openai
                         config: {base_url: "%1$s", load_timeout_ms: 500}
                     registered_resources:
                       models:
                       - {model_id: via-bundle, provider_id: bundle, provider_model_id: sim-chat, model_type: llm}
                       - {model_id: via-insecure, provider_id: insecure, provider_model_id: sim-chat, model_type: llm}
                       - {model_id: via-system, provider_id: system, provider_model_id: sim-chat, model_type: llm}
                     """.formatted("https://127.0.0.1:" + upstream.port() + "/v1", cert.certFile()));
             Http http = new Http(server.port())) {
            for (String model : List.of("via-bundle", "via-insecure")) {
                HttpResponse<String> res = http.post("/v1/chat/completions", """
                        {"model": "%s", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}
                        """.formatted(model));
                assertEquals(200, res.statusCode(), model + ": " + res.body());
                assertTrue(JSON.readTree(res.body()).path("choices").path(0).path("message").path("content")
                        .asText().length() > 0, res.body());
            }

            Polling.await(Duration.ofSeconds(10), "the system-trust provider's health check to fail", () ->
                    "Error".equals(health(http, "system").path("status").asText()));
            String why = health(http, "system").path("message").asText();
            assertTrue(why.contains("SSLHandshakeException") && why.contains("certif"), why);
            assertEquals("OK", health(http, "bundle").path("status").asText());

            HttpResponse<String> refused = http.post("/v1/chat/completions", """
                    {"model": "via-system", "messages": [{"role": "user", "content": "hi"}]}
                    """);
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("SSLHandshakeException"), refused.body());
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefusedUnlessVerificationIsOff(@TempDir Path dir) throws Exception {
        TestCertificate other = TestCertificate.create(dir, "dns:other.example");
        try (StackwatchServer upstream = servedWith(other);
             StackwatchServer server = TestServers.start("""
                     version: 2
                     providers:
                       inference:
                       - provider_id: bundle
                         provider_type: remote::openai
                         config: {base_url: "%1$s", tls_verify: "%2$s", load_timeout_ms: 500}
                       - provider_id: insecure
                         provider_type: remote::openai
                         config: {base_url: "%1$s", tls_verify: false}
                     registered_resources:
                       models:
                       - {model_id: via-bundle, provider_id: bundle, provider_model_id: sim-chat, model_type: llm}
                       - {model_id: via-insecure, provider_id: insecure, provider_model_id: sim-chat, model_type: llm}
                     """.formatted("https://127.0.0.1:" + upstream.port() + "/v1", other.certFile()));
             Http http = new Http(server.port())) {
            // The bundle trusts the certificate's issuer, but the certificate names another host.
            Polling.await(Duration.ofSeconds(10), "the bundle provider's health check to fail", () ->
                    "Error".equals(health(http, "bundle").path("status").asText()));
            String why = health(http, "bundle").path("message").asText();
            assertTrue(why.contains("SSLHandshakeException") && why.contains("127.0.0.1"), why);
            HttpResponse<String> served = http.post("/v1/chat/completions", """
                    {"model": "via-insecure", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}
                    """);
            assertEquals(200, served.statusCode(), served.body());
        }
    }

    /** The simulator as an HTTPS upstream presenting {@code cert}. */
    private static StackwatchServer servedWith(TestCertificate cert) {
        return TestServers.start(TestServers.FAST_SIMULATOR + """
                server: {tls_certfile: "%s", tls_keyfile: "%s"}
                """.formatted(cert.certFile(), cert.keyFile()));
    }

    private static JsonNode health(Http http, String provider) {
        try {
            return JSON.readTree(http.get("/v1/providers/" + provider).body()).path("health");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
