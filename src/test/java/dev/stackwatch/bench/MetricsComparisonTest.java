package dev.stackwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.prom.PromSnapshot;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The comparison logic on hand-written scrapes, so each verdict is known in advance. */
class MetricsComparisonTest {
    private static final PromSnapshot BEFORE = PromSnapshot.of("""
            llamastack_requests_total{method="POST",endpoint="/v1/chat/completions",status="200"} 100
            llamastack_requests_total{method="GET",endpoint="/v1/models",status="200"} 7
            llamastack_inference_latency_seconds_bucket{model="m",stream="false",le="0.1"} 50
            llamastack_inference_latency_seconds_bucket{model="m",stream="false",le="0.2"} 100
            llamastack_inference_latency_seconds_bucket{model="m",stream="false",le="+Inf"} 100
            llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="0.1"} 50
            llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="0.2"} 100
            llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="+Inf"} 100
            """);

    /** {@code ok} more 200s, all with HTTP and provider latencies in (0.1, 0.2], and {@code failed} 503s. */
    private static PromSnapshot after(int ok, int failed) {
        return PromSnapshot.of("""
                llamastack_requests_total{method="POST",endpoint="/v1/chat/completions",status="200"} %d
                llamastack_requests_total{method="POST",endpoint="/v1/chat/completions",status="503"} %d
                llamastack_requests_total{method="GET",endpoint="/v1/models",status="200"} 9
                llamastack_inference_latency_seconds_bucket{model="m",stream="false",le="0.1"} 50
                llamastack_inference_latency_seconds_bucket{model="m",stream="false",le="0.2"} %d
                llamastack_inference_latency_seconds_bucket{model="m",stream="false",le="+Inf"} %d
                llamastack_inference_latency_seconds_bucket{model="other",stream="false",le="0.1"} 999
                llamastack_inference_latency_seconds_bucket{model="other",stream="false",le="+Inf"} 999
                llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="0.1"} 50
                llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="0.2"} %d
                llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="+Inf"} %d
                """.formatted(100 + ok, failed, 100 + ok, 100 + ok, 100 + ok, 100 + ok));
    }

    /** A client that saw {@code ok} 200s with e2e quantiles of {@code e2eMillis}, and {@code failed} 503s. */
    private static BenchReport client(long ok, long failed, double e2eMillis) {
        BenchReport.Latency e2e = new BenchReport.Latency(ok, e2eMillis, e2eMillis, e2eMillis, e2eMillis, e2eMillis,
                e2eMillis);
        BenchReport.Latency none = new BenchReport.Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN);
        return new BenchReport(new BenchReport.Setup("u", "m", "concurrency", 1, 0, false, "8", "8"),
                new BenchReport.Totals(ok + failed, ok, failed, failed == 0 ? Map.of() : Map.of("http_503", failed),
                        failed == 0 ? Map.of(200, ok) : Map.of(200, ok, 503, failed), 0, 1, ok, 0),
                none, none, e2e, null);
    }

    private static Map<String, MetricsComparison.Row> rows(MetricsComparison c) {
        return c.rows().stream().collect(Collectors.toMap(MetricsComparison.Row::metric, r -> r));
    }

    @Test
    void matchingCountsPerStatusAndQuantilesInsideTheBucketAgree() {
        // 10 new observations, all in (0.1, 0.2]: server p50 = 0.15 s, resolution 100 ms
        MetricsComparison c = MetricsComparison.of(client(10, 2, 170), BEFORE, after(10, 2),
                "/v1/chat/completions", "m");
        Map<String, MetricsComparison.Row> rows = rows(c);
        assertEquals(new MetricsComparison.Row("requests", 12, 12, 12, 12, true), rows.get("requests"));
        assertEquals(new MetricsComparison.Row("requests status=200", 10, 10, 10, 10, true),
                rows.get("requests status=200"));
        assertEquals(new MetricsComparison.Row("requests status=503", 2, 2, 2, 2, true), rows.get("requests status=503"));
        MetricsComparison.Row p50 = rows.get("e2e http p50");
        assertEquals(150, p50.server(), 1e-9);
        // The server's bucket (100, 200] ms, one width (100 ms) either side, and the slack; never below 0.
        assertEquals(0, p50.low(), 1e-9);
        assertEquals(300 * 1.001 + MetricsComparison.SLACK_MILLIS, p50.high(), 1e-9);
        assertTrue(p50.agrees());
        assertFalse(rows.containsKey("e2e provider p50"), "the provider's time is only part of the client's");
        assertFalse(rows.containsKey("ttft p50"), "no streaming, no token rows");
        assertTrue(c.agrees());
    }

    @Test
    void oneMissingRequestOrAQuantileBeyondTheBucketIsADisagreement() {
        MetricsComparison offByOne = MetricsComparison.of(client(10, 0, 150), BEFORE, after(9, 0),
                "/v1/chat/completions", "m");
        assertFalse(rows(offByOne).get("requests").agrees());
        assertFalse(offByOne.agrees());

        MetricsComparison tooSlow = MetricsComparison.of(client(10, 0, 400), BEFORE, after(10, 0),
                "/v1/chat/completions", "m");
        assertTrue(rows(tooSlow).get("requests").agrees());
        assertFalse(rows(tooSlow).get("e2e http p50").agrees(), "400 ms is more than a bucket above (100, 200] ms");
        List<String> flagged = tooSlow.rows().stream().filter(r -> !r.agrees()).map(MetricsComparison.Row::metric).toList();
        assertEquals(List.of("e2e http p50", "e2e http p90", "e2e http p95", "e2e http p99"), flagged);

        double top = 300 * 1.001 + MetricsComparison.SLACK_MILLIS;
        assertTrue(MetricsComparison.of(client(10, 0, top - 0.5), BEFORE, after(10, 0), "/v1/chat/completions", "m")
                .agrees(), "just inside the range agrees");
        assertFalse(MetricsComparison.of(client(10, 0, top + 0.5), BEFORE, after(10, 0), "/v1/chat/completions", "m")
                .agrees(), "just outside does not");
        assertTrue(ReportTable.format(client(10, 0, 400).withComparison(tooSlow)).contains("DISAGREE"));
    }
}
