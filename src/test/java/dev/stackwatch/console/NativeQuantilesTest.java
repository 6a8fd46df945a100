package dev.stackwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.prom.BucketHistogram;
import dev.stackwatch.prom.PromSnapshot;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Console quantiles from native buckets against known latencies: every estimate lies at or above the true quantile
 * and within the stated relative error of it, where the classic buckets' interpolation (histogram_quantile) puts the
 * p99 of the same data far above the slowest request.
 */
class NativeQuantilesTest {
    private static final String NAME = "llamastack_request_duration_seconds";
    /** The duration buckets Metrics gives this histogram (OpenTelemetry's, extended). */
    private static final double[] CLASSIC = {0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
        2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 120};

    @Test
    void quantilesAreWithinTheStatedErrorOfKnownLatencies() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Histogram h = Histogram.builder().name(NAME).help("test").unit(Unit.SECONDS).labelNames("endpoint")
                .classicUpperBounds(CLASSIC).register(registry);
        RegistryText text = new RegistryText(registry);
        MetricSnapshots before = text.snapshots();
        PromSnapshot classicBefore = PromSnapshot.of(text.get());

        // 1000 requests from 10 ms to 1440 ms, spread over two series like two endpoints.
        int n = 1000;
        double[] seconds = new double[n];
        for (int k = 0; k < n; k++) {
            seconds[k] = 0.010 + k * (1.430 / (n - 1));
            h.labelValues(k % 2 == 0 ? "/v1/chat/completions" : "/v1/completions").observe(seconds[k]);
        }
        Arrays.sort(seconds);
        double max = seconds[n - 1];

        NativeQuantiles d = NativeQuantiles.delta(NativeQuantiles.of(before, NAME), NativeQuantiles.of(text.snapshots(),
                NAME));
        assertEquals(n, d.count());
        double error = NativeQuantiles.relativeError(d.schema());
        assertTrue(error < 0.05, "client_java's native schema gives a few percent at most: " + error);
        for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
            double exact = seconds[(int) Math.ceil(q * n) - 1];
            double estimate = d.quantile(q);
            assertTrue(estimate >= exact && estimate <= exact * (1 + error),
                    "p" + q + ": " + estimate + " for a true " + exact + " (error bound " + error + ")");
            assertTrue(estimate <= max * (1 + error), "never above the slowest request by more than the bound");
        }

        // The same data through the classic buckets: p99 interpolated inside (1.28, 2.56] s lands far above 1.44 s.
        BucketHistogram classic = BucketHistogram.delta(classicBefore.buckets(NAME, Map.of()),
                PromSnapshot.of(text.get()).buckets(NAME, Map.of()));
        assertTrue(classic.quantile(0.99) > 1.5 * max, "classic p99 " + classic.quantile(0.99));
    }

    @Test
    void noObservationsNoQuantileAndARestartCountsFromZero() {
        assertTrue(Double.isNaN(NativeQuantiles.EMPTY.quantile(0.5)));
        PrometheusRegistry registry = new PrometheusRegistry();
        Histogram h = Histogram.builder().name(NAME).help("test").unit(Unit.SECONDS).register(registry);
        h.observe(0.2);
        h.observe(0.2);
        MetricSnapshots two = registry.scrape();
        PrometheusRegistry restarted = new PrometheusRegistry();
        Histogram.builder().name(NAME).help("test").unit(Unit.SECONDS).register(restarted).observe(0.1);
        NativeQuantiles d = NativeQuantiles.delta(NativeQuantiles.of(two, NAME),
                NativeQuantiles.of(restarted.scrape(), NAME));
        assertEquals(1, d.count(), "fewer counts than before: a restart, so the new counts are the interval");
        assertTrue(d.quantile(0.5) >= 0.1 && d.quantile(0.5) < 0.1 * (1 + NativeQuantiles.relativeError(d.schema())));
    }
}
