package dev.stackwatch.prom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromTextTest {

    @Test
    void readsSamplesWithLabelsEscapesSpecialValuesAndTimestamps() {
        List<PromSample> samples = PromText.parse("""
                # HELP llamastack_requests_total Requests.
                # TYPE llamastack_requests_total counter
                llamastack_requests_total{method="POST",endpoint="/v1/chat/completions",status="200"} 42.0
                llamastack_requests_total{ method="GET" , endpoint="/v1/models",status="404", } 3 1700000000000
                weird{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb"} -1.5e-3
                llamastack_ready 1
                up{le="+Inf"} +Inf
                down NaN

                # EOF
                """);
        assertEquals(6, samples.size());
        assertEquals(new PromSample("llamastack_requests_total",
                Map.of("method", "POST", "endpoint", "/v1/chat/completions", "status", "200"), 42), samples.get(0));
        assertEquals(Map.of("method", "GET", "endpoint", "/v1/models", "status", "404"), samples.get(1).labels());
        assertEquals(3, samples.get(1).value(), "the timestamp is not the value");
        assertEquals(Map.of("path", "C:\\dir", "quote", "say \"hi\"", "nl", "a\nb"), samples.get(2).labels());
        assertEquals(-0.0015, samples.get(2).value());
        assertEquals(new PromSample("llamastack_ready", Map.of(), 1), samples.get(3));
        assertEquals(Double.POSITIVE_INFINITY, samples.get(4).value());
        assertTrue(Double.isNaN(samples.get(5).value()));
    }

    @Test
    void malformedLinesAreReportedWithTheirNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromText.parse("ok 1\nbroken{a=\"x\" 2\n"));
        assertTrue(e.getMessage().startsWith("line 2: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("novalue{a=\"b\"}\n"));
        assertThrows(IllegalArgumentException.class, () -> PromText.parse("x notanumber\n"));
    }

    @Test
    void snapshotSumsMatchingSeriesAndBucketsByBound() {
        PromSnapshot s = PromSnapshot.of("""
                req_total{endpoint="/a",status="200"} 5
                req_total{endpoint="/a",status="500"} 2
                req_total{endpoint="/b",status="200"} 7
                lat_seconds_bucket{model="m",le="0.1"} 1
                lat_seconds_bucket{model="m",le="+Inf"} 3
                lat_seconds_bucket{model="n",le="0.1"} 10
                lat_seconds_bucket{model="n",le="+Inf"} 10
                lat_seconds_count{model="m"} 3
                """);
        assertEquals(7, s.sum("req_total", Map.of("endpoint", "/a")));
        assertEquals(12, s.sum("req_total", Map.of("status", "200")));
        assertEquals(0, s.sum("req_total", Map.of("endpoint", "/c")));
        assertEquals(Map.of(0.1, 1.0, Double.POSITIVE_INFINITY, 3.0), s.buckets("lat_seconds", Map.of("model", "m")));
        assertEquals(Map.of(0.1, 11.0, Double.POSITIVE_INFINITY, 13.0), s.buckets("lat_seconds", Map.of()));
    }
}
