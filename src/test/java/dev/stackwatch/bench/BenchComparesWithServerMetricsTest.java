package dev.stackwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.api.Json;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code --compare-metrics} against the real server's /metrics: the server must have counted exactly what the client
 * sent. Latency quantiles are not asserted to agree: the client's clock also runs through connection set-up and
 * request handling, which on a loaded CI machine can exceed a bucket. What must hold is the ordering: the server
 * starts timing later and stops no later, so its quantile cannot exceed the client's by more than a bucket.
 */
class BenchComparesWithServerMetricsTest {

    @Test
    void clientAndServerAgreeOnCountsExactlyAndOnMediansWithinBuckets() throws Exception {
        try (StackwatchServer server = TestServers.start(BenchAgainstSimulatorTest.KNOWN_LATENCIES)) {
            BenchOptions options = new BenchOptions(URI.create("http://127.0.0.1:" + server.port() + "/v1"),
                    "sim-chat", 3, 0, true, null, 15, TokenRange.parse("8:16"), TokenRange.parse("20"),
                    Duration.ofSeconds(30), null,
                    URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics"), false);
            BenchReport r = new Bench(options, Json.newMapper())
                    .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            String table = ReportTable.format(r);
            assertNotNull(r.comparison(), table);
            Map<String, MetricsComparison.Row> rows = r.comparison().rows().stream()
                    .collect(Collectors.toMap(MetricsComparison.Row::metric, row -> row));
            assertEquals(new MetricsComparison.Row("requests", 15, 15, 0, true), rows.get("requests"), table);
            assertEquals(new MetricsComparison.Row("requests status=200", 15, 15, 0, true),
                    rows.get("requests status=200"), table);
            for (String q : new String[] {"ttft p50", "ttft p90", "e2e http p50", "e2e http p90", "e2e provider p50"}) {
                MetricsComparison.Row row = rows.get(q);
                assertTrue(row.server() <= row.client() + row.tolerance(), q + ": server above client\n" + table);
                assertTrue(row.server() > 0, q + ": server saw the observations\n" + table);
            }
            assertTrue(rows.containsKey("inter-token p99"), table);
        }
    }
}
