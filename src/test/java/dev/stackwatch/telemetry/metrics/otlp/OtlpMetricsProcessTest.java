package dev.stackwatch.telemetry.metrics.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.OtlpMetricPoints;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.ServerProcess;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a real process: SIGTERM pushes the metrics of the last interval before the process exits; a
 * collector outage is logged once when it starts and once when it ends, however many pushes fail in between.
 */
class OtlpMetricsProcessTest {

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

    @Test
    void anOutageIsLoggedWhenItStartsAndWhenItEndsAndCountedInBetween(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("run.yaml"), TestServers.FAST_SIMULATOR);
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            receiver.refuse(503);
            ServerProcess server = new ServerProcess(dir, Map.of(
                    "OTEL_METRICS_EXPORTER", "prometheus,otlp",
                    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", receiver.endpoint() + "/v1/metrics",
                    "OTEL_METRIC_EXPORT_INTERVAL", "100"), "--config", config.toString());
            try {
                Polling.await(Duration.ofSeconds(60), "several failed pushes", () -> Scrape.of(server.managementPort())
                        .sum("llamastack_telemetry_export_failures_total", Map.of("signal", "metrics")) >= 3);
                receiver.refuse(0);
                Polling.await(Duration.ofSeconds(60), "the export to resume", () -> server.stdout().stream()
                        .anyMatch(l -> l.contains("OTLP metrics export to") && l.contains("resumed after")));
            } finally {
                server.close();
            }
            List<String> lines = server.stdout();
            assertEquals(1, lines.stream().filter(l -> l.contains("OTLP metrics export to")
                    && l.contains("further failures are counted")).count(), String.join("\n", lines));
            assertEquals(1, lines.stream().filter(l -> l.contains("OTLP metrics export to")
                    && l.contains("resumed after")).count(), String.join("\n", lines));
            assertTrue(receiver.metricPushes().size() >= 1, "pushes accepted after the outage");
        }
    }
}
