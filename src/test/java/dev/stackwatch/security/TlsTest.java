package dev.stackwatch.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.TestCertificate;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the API port from PEM files, checked with real TLS clients that trust only the test's certificate. */
class TlsTest {

    @Test
    void apiIsServedOverTlsAndOnlyOverTls(@TempDir Path dir) throws Exception {
        TestCertificate cert = TestCertificate.create(dir);
        try (StackwatchServer server = TestServers.start(TestServers.FAST_SIMULATOR + """
                server:
                  tls_certfile: %s
                  tls_keyfile: %s
                """.formatted(cert.certFile(), cert.keyFile()));
             HttpClient trusting = HttpClient.newBuilder().sslContext(cert.trustingContext())
                     .connectTimeout(Duration.ofSeconds(5)).build();
             HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            URI models = URI.create("https://127.0.0.1:" + server.port() + "/v1/models");
            HttpResponse<String> res = trusting.send(HttpRequest.newBuilder(models).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode());
            assertTrue(res.body().contains("sim-chat"), res.body());
            assertEquals("max-age=31536000", res.headers().firstValue("Strict-Transport-Security").orElseThrow());

            assertThrows(SSLHandshakeException.class, () -> plain.send(HttpRequest.newBuilder(models).build(),
                    HttpResponse.BodyHandlers.ofString()), "a client that does not trust the certificate is refused");
            assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString()), "plain HTTP on the TLS port gets no answer");
        }
    }
}
