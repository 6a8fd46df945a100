package dev.stackwatch.console;

import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Quantiles from the native (exponential) buckets client_java keeps beside the classic ones, summed over every
 * series of one histogram. Bucket {@code i} holds values in (base^(i-1), base^i] with base = 2^(2^-schema), so the
 * answer, the upper bound of the bucket holding the quantile's observation, is at most {@link #relativeError} above
 * that observation and never below it: about 2% at client_java's default schema 5 (wide classic buckets allowed
 * p95 estimates far above the slowest request). Series at different schemas are merged at the coarsest one.
 */
record NativeQuantiles(int schema, long zeroCount, TreeMap<Integer, Long> positive) {

    static final NativeQuantiles EMPTY = new NativeQuantiles(Integer.MAX_VALUE, 0, new TreeMap<>());

    static NativeQuantiles of(MetricSnapshots snapshots, String name) {
        NativeQuantiles all = EMPTY;
        for (MetricSnapshot m : snapshots) {
            if (m instanceof HistogramSnapshot h && h.getMetadata().getPrometheusName().equals(name)) {
                for (HistogramSnapshot.HistogramDataPointSnapshot p : h.getDataPoints()) {
                    if (p.hasNativeHistogramData()) {
                        all = all.plus(point(p), 1);
                    }
                }
            }
        }
        return all;
    }

    private static NativeQuantiles point(HistogramSnapshot.HistogramDataPointSnapshot p) {
        TreeMap<Integer, Long> buckets = new TreeMap<>();
        NativeHistogramBuckets positive = p.getNativeBucketsForPositiveValues();
        for (int i = 0; i < positive.size(); i++) {
            buckets.merge(positive.getBucketIndex(i), positive.getCount(i), Long::sum);
        }
        return new NativeQuantiles(p.getNativeSchema(), p.getNativeZeroCount(), buckets);
    }

    /** The observations made between two reads; a histogram that restarted (fewer counts) is taken from zero. */
    static NativeQuantiles delta(NativeQuantiles before, NativeQuantiles after) {
        NativeQuantiles d = after.plus(before, -1);
        boolean reset = d.zeroCount < 0 || d.positive.values().stream().anyMatch(c -> c < 0);
        return reset ? after : d;
    }

    /** Relative error bound of a quantile at {@code schema}: base - 1. */
    static double relativeError(int schema) {
        return Math.pow(2, Math.pow(2, -schema)) - 1;
    }

    long count() {
        return zeroCount + positive.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The upper bound of the bucket holding rank q*count; NaN without observations. */
    double quantile(double q) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long seen = zeroCount;
        if (seen >= rank && seen > 0) {
            return 0;
        }
        for (Map.Entry<Integer, Long> b : positive.entrySet()) {
            seen += b.getValue();
            if (seen >= rank && b.getValue() > 0) {
                return Math.pow(2, b.getKey() * Math.pow(2, -schema));
            }
        }
        return Math.pow(2, positive.lastKey() * Math.pow(2, -schema));
    }

    private NativeQuantiles plus(NativeQuantiles other, int sign) {
        if (other.count() == 0 && other.positive.isEmpty()) {
            return this;
        }
        if (count() == 0 && positive.isEmpty() && sign > 0) {
            return other;
        }
        int common = Math.min(schema, other.schema);
        TreeMap<Integer, Long> sum = new TreeMap<>(downscale(positive, schema - common));
        downscale(other.positive, other.schema - common).forEach((i, c) -> sum.merge(i, sign * c, Long::sum));
        return new NativeQuantiles(common, zeroCount + sign * other.zeroCount, sum);
    }

    /** Merges 2^by neighbouring buckets into one: index i becomes ceil(i / 2^by). */
    private static TreeMap<Integer, Long> downscale(TreeMap<Integer, Long> buckets, int by) {
        if (by == 0) {
            return buckets;
        }
        TreeMap<Integer, Long> out = new TreeMap<>();
        buckets.forEach((i, c) -> out.merge(-((-i) >> by), c, Long::sum));
        return out;
    }
}
