package dev.stackwatch.telemetry.metrics.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.OtlpMetricPoints;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.ServerProcess;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as a real process: SIGTERM pushes the metrics of the last interval before the process exits. */
class OtlpMetricsOnSigtermTest {

    @Test
    void sigtermPushesTheLastRequestsBeforeExit(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("run.yaml"), TestServers.FAST_SIMULATOR);
        try (OtlpReceiver receiver = new OtlpReceiver(); HttpCalls http = new HttpCalls()) {
            ServerProcess server = new ServerProcess(dir, Map.of(
                    "OTEL_METRICS_EXPORTER", "otlp",
                    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", receiver.endpoint() + "/v1/metrics",
                    // An hour: no periodic push can happen within the test, only the one SIGTERM makes.
                    "OTEL_METRIC_EXPORT_INTERVAL", "3600000"), "--config", config.toString());
            try {
                String api = "http://127.0.0.1:" + server.port();
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, http.send(api + "/v1/chat/completions", """
                            {"model": "sim-chat", "messages": [{"role": "user", "content": "hi"}]}""").statusCode());
                }
                assertEquals(0, receiver.metricPushes().size(), "nothing pushed before SIGTERM");
            } finally {
                server.close();
            }
            assertEquals(1, receiver.metricPushes().size(), "the last push, on SIGTERM: " + server.stderr());
            assertEquals(3, OtlpMetricPoints.count(OtlpMetricPoints.latest(receiver.metricPushes(),
                    "gen_ai.server.request.duration"), Map.of("gen_ai.request.model", "sim-chat")));
            assertEquals(3, OtlpMetricPoints.count(OtlpMetricPoints.latest(receiver.metricPushes(),
                    "http.server.request.duration"), Map.of("http.route", "/v1/chat/completions")));
            assertTrue(server.stdout().stream().noneMatch(l -> l.contains("OTLP metrics export")),
                    "no export failure logged");
        }
    }
}
