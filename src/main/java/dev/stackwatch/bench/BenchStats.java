package dev.stackwatch.bench;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Everything the run has measured so far. Request threads record into it and the progress line reads it at the same
 * time, so every access holds the lock (a few microseconds per request, far below the latencies measured).
 * Histograms keep microseconds with three significant digits.
 */
final class BenchStats {
    private final Histogram ttft = new Histogram(3);
    private final Histogram interToken = new Histogram(3);
    private final Histogram endToEnd = new Histogram(3);
    private final Map<String, Long> errorsByKind = new TreeMap<>();
    private final Map<Integer, Long> responsesByStatus = new TreeMap<>();
    private long sent;
    private long succeeded;
    private long failed;
    private long outputTokens;
    private long lastEndNanos;

    synchronized void sent() {
        sent++;
    }

    synchronized void record(Outcome o) {
        if (o.status() > 0) {
            responsesByStatus.merge(o.status(), 1L, Long::sum);
        }
        lastEndNanos = Math.max(lastEndNanos, o.endNanos());
        if (!o.ok()) {
            failed++;
            errorsByKind.merge(o.errorKind(), 1L, Long::sum);
            return;
        }
        succeeded++;
        outputTokens += o.outputTokens();
        endToEnd.recordValue(micros(o.endNanos() - o.intendedNanos()));
        if (o.firstTokenNanos() > 0) {
            ttft.recordValue(micros(o.firstTokenNanos() - o.intendedNanos()));
        }
        for (long gap : o.tokenGapsNanos()) {
            interToken.recordValue(micros(gap));
        }
    }

    synchronized Progress progress() {
        return new Progress(sent, succeeded, failed, outputTokens, endToEnd.getTotalCount() == 0 ? Double.NaN
                : endToEnd.getValueAtPercentile(50) / 1000.0);
    }

    /** Totals for the report; {@code startNanos} is when the run began. */
    synchronized BenchReport.Totals totals(long startNanos) {
        double seconds = Math.max(lastEndNanos - startNanos, 1) / 1e9;
        return new BenchReport.Totals(sent, succeeded, failed, Map.copyOf(errorsByKind), Map.copyOf(responsesByStatus),
                outputTokens, seconds, succeeded / seconds, outputTokens / seconds);
    }

    synchronized BenchReport.Latency ttft() {
        return BenchReport.Latency.of(ttft);
    }

    synchronized BenchReport.Latency interToken() {
        return BenchReport.Latency.of(interToken);
    }

    synchronized BenchReport.Latency endToEnd() {
        return BenchReport.Latency.of(endToEnd);
    }

    private static long micros(long nanos) {
        return Math.max(0, nanos / 1_000);
    }

    /** A cheap look at the run for the once-a-second progress line; {@code p50Millis} is NaN before any success. */
    record Progress(long sent, long succeeded, long failed, long outputTokens, double p50Millis) {}
}
