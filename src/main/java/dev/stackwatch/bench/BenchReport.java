package dev.stackwatch.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/** The result of a run, as printed and as written by {@code --json}. Latencies are in milliseconds. */
public record BenchReport(Setup setup, Totals totals, Latency ttft, Latency interToken, Latency endToEnd,
                          MetricsComparison comparison) {

    /** This report with the client-vs-server comparison added. */
    public BenchReport withComparison(MetricsComparison c) {
        return new BenchReport(setup, totals, ttft, interToken, endToEnd, c);
    }

    /** The options that shaped the load, echoed so a JSON file stands on its own. */
    public record Setup(String url, String model, String mode, int concurrency, double rate, boolean stream,
                        String promptTokens, String maxTokens) {}

    /**
     * Counts: {@code requests} sent, of which {@code succeeded} and {@code failed}; {@code responsesByStatus} counts
     * every HTTP response (successful or not). Throughput is over {@code seconds}, from start to the last response.
     */
    public record Totals(long requests, long succeeded, long failed, Map<String, Long> errorsByKind,
                         Map<Integer, Long> responsesByStatus, long outputTokens, double seconds,
                         double requestsPerSecond, double outputTokensPerSecond) {
        public long responses() {
            return responsesByStatus.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public record Latency(long count, double mean, double p50, double p90, double p95, double p99, double max) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Latency(h.getTotalCount(), h.getMean() / 1000, at(h, 50), at(h, 90), at(h, 95), at(h, 99),
                    h.getMaxValue() / 1000.0);
        }

        private static double at(Histogram h, double percentile) {
            return h.getValueAtPercentile(percentile) / 1000.0;
        }

        /** The named quantile (0.5, 0.9, 0.95 or 0.99) in milliseconds. */
        public double quantile(double q) {
            return q == 0.5 ? p50 : q == 0.9 ? p90 : q == 0.95 ? p95 : p99;
        }
    }
}
