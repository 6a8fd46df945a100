package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /metrics: the format follows the Accept header, promtool accepts the text, and it also works on a shared port. */
class MetricsEndpointTest {
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.FAST_SIMULATOR);

    @BeforeAll
    static void traffic() throws Exception {
        // Traffic first, so that every kind of series (histograms included) is in what promtool checks.
        try (HttpClient client = client()) {
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sim-chat\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    @Test
    void promtoolAcceptsTheTextFormat() throws Exception {
        Path promtool = ExternalTools.require("promtool");
        HttpResponse<byte[]> res = get(server.managementPort(), "text/plain;version=0.0.4");
        assertTrue(res.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = check.getOutputStream()) {
            in.write(res.body());
        }
        String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool finished");
        assertEquals(0, check.exitValue(), "promtool check metrics: " + report);
        assertTrue(new String(res.body(), StandardCharsets.UTF_8)
                .contains("llamastack_time_to_first_token_seconds_bucket{"), "histograms were in the checked text");
    }

    @Test
    void openMetricsWhenAskedFor() throws Exception {
        HttpResponse<byte[]> res = get(server.managementPort(),
                "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;q=0.5");
        assertTrue(res.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
        String text = new String(res.body(), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(text.contains("# UNIT llamastack_request_duration_seconds seconds"), "units are declared");
    }

    @Test
    void protobufWhenAskedFor() throws Exception {
        HttpResponse<byte[]> res = get(server.managementPort(),
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
        assertTrue(res.headers().firstValue("Content-Type").orElseThrow()
                .startsWith("application/vnd.google.protobuf"), "protobuf content type");
        assertTrue(new String(res.body(), StandardCharsets.ISO_8859_1).contains("llamastack_inference_latency_seconds"));
    }

    @Test
    void servedOnTheApiPortWhenManagementShares() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RunConfig config = TestServers.config(TestServers.FAST_SIMULATOR);
        try (StackwatchServer shared = TestServers.startAndAwait(config.withServer(
                config.server().onLoopback(port, port)))) {
            assertEquals(shared.port(), shared.managementPort());
            Scrape scrape = Scrape.of(shared.port());
            assertEquals(3, scrape.series("llamastack_model_ready").size());
        }
    }

    private static HttpResponse<byte[]> get(int port, String accept) throws Exception {
        try (HttpClient client = client()) {
            HttpResponse<byte[]> res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, res.statusCode());
            return res;
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
}
