package dev.stackwatch.prom;

import java.util.Map;
import java.util.TreeMap;

/**
 * Cumulative Prometheus buckets (upper bound to count). Quantiles are estimated the way PromQL's
 * {@code histogram_quantile} does, so the benchmark reports what a dashboard on the same server would show.
 */
public record BucketHistogram(TreeMap<Double, Double> cumulative) {
    public BucketHistogram {
        cumulative = new TreeMap<>(cumulative);
    }

    /** The observations made between two scrapes: bucket by bucket, after minus before. */
    public static BucketHistogram delta(TreeMap<Double, Double> before, TreeMap<Double, Double> after) {
        TreeMap<Double, Double> d = new TreeMap<>();
        after.forEach((le, count) -> d.put(le, count - before.getOrDefault(le, 0.0)));
        return new BucketHistogram(d);
    }

    public double count() {
        return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    /**
     * The q-quantile by linear interpolation inside the bucket holding rank q*count, the lowest bucket starting at 0.
     * NaN without observations; the highest finite bound when the rank falls in the +Inf bucket.
     */
    public double quantile(double q) {
        Map.Entry<Double, Double> bucket = bucketOf(q);
        if (bucket == null) {
            return Double.NaN;
        }
        if (bucket.getKey().isInfinite()) {
            Double highestFinite = cumulative.lowerKey(bucket.getKey());
            return highestFinite == null ? Double.NaN : highestFinite;
        }
        Map.Entry<Double, Double> below = cumulative.lowerEntry(bucket.getKey());
        double lower = below == null ? 0 : below.getKey();
        double countBelow = below == null ? 0 : below.getValue();
        double inBucket = bucket.getValue() - countBelow;
        double rank = q * count();
        return lower + (bucket.getKey() - lower) * (inBucket == 0 ? 1 : (rank - countBelow) / inBucket);
    }

    /**
     * Where the q-quantile observation lies, {@code [lower, upper]}: from the bottom of the bucket holding rank
     * q*count - 1 to the top of the bucket holding rank q*count + 1, so that quantile definitions which pick the rank
     * one apart (PromQL interpolates at q*count, HdrHistogram takes the ceil(q*count)-th value) land inside. Upper is
     * +Inf past the highest finite bucket; null without data.
     */
    public double[] bounds(double q) {
        double total = count();
        if (total <= 0) {
            return null;
        }
        Map.Entry<Double, Double> low = bucketAtRank(Math.max(q * total - 1, 0));
        Map.Entry<Double, Double> high = bucketAtRank(Math.min(q * total + 1, total));
        Double lower = cumulative.lowerKey(low.getKey());
        return new double[] {lower == null ? 0 : lower, high.getKey()};
    }

    private Map.Entry<Double, Double> bucketOf(double q) {
        double total = count();
        if (total <= 0) {
            return null;
        }
        return bucketAtRank(q * total);
    }

    private Map.Entry<Double, Double> bucketAtRank(double rank) {
        return cumulative.entrySet().stream().filter(e -> e.getValue() >= rank && e.getValue() > 0).findFirst()
                .orElse(cumulative.lastEntry());
    }
}
