package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.PrometheusServer;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Prometheus scrapes a running Stackwatch under traffic and the dashboards' kind of queries return data: once
 * with classic buckets, once (a second Prometheus with native histograms on) ingesting the histograms as native.
 */
class PrometheusScrapeTest {
    static final Duration BUDGET = Duration.ofSeconds(40);

    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.FAST_SIMULATOR);
    static PrometheusServer classic;
    static PrometheusServer nativeHistograms;
    static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        classic = PrometheusServer.start(server.managementPort());
        nativeHistograms = PrometheusServer.start(server.managementPort(), "native-histograms");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {nativeHistograms, classic, client}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest: each holds a port or a process
            }
        }
    }

    @Test
    void requestRateAndP95FromClassicBuckets() {
        JsonNode rate = awaitUnderTraffic(classic, "sum(rate(llamastack_requests_total[1m]))");
        assertTrue(value(rate) > 0, "request rate " + rate);
        JsonNode p95 = awaitUnderTraffic(classic,
                "histogram_quantile(0.95, sum by (le) (rate(llamastack_request_duration_seconds_bucket[1m])))");
        double seconds = value(p95);
        assertTrue(seconds > 0 && seconds < 10, "p95 request duration " + p95);
    }

    @Test
    void histogramsIngestedAsNative() {
        JsonNode series = awaitUnderTraffic(nativeHistograms,
                "llamastack_inference_latency_seconds{model=\"sim-chat\", operation=\"chat\"}");
        assertTrue(series.get(0).has("histogram"), "a native histogram sample, not a float: " + series);
        JsonNode p95 = awaitUnderTraffic(nativeHistograms,
                "histogram_quantile(0.95, sum(rate(llamastack_request_duration_seconds[1m])))");
        assertTrue(value(p95) > 0, "p95 from the native histogram " + p95);
        assertEquals(0, nativeHistograms.query("llamastack_request_duration_seconds_bucket").size(),
                "with native histograms on, Prometheus 2.42 keeps no classic buckets");
    }

    /** Polls (bounded) until the query returns a finite value, sending a request on every try to keep traffic flowing. */
    private static JsonNode awaitUnderTraffic(PrometheusServer prometheus, String promql) {
        try {
            return Polling.awaitValue(BUDGET, promql, () -> {
                chat();
                JsonNode result = prometheus.query(promql);
                return result.isEmpty() || (result.get(0).has("value") && Double.isNaN(value(result))) ? null : result;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nPrometheus log:\n" + prometheus.log(), e);
        }
    }

    private static double value(JsonNode result) {
        return Double.parseDouble(result.get(0).at("/value/1").asText());
    }

    private static void chat() {
        try {
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sim-chat\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
