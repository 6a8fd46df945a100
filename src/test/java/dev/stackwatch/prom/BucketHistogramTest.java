package dev.stackwatch.prom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Expected values are worked out by hand with PromQL's histogram_quantile rules. */
class BucketHistogramTest {

    private static TreeMap<Double, Double> buckets(double... boundAndCount) {
        TreeMap<Double, Double> m = new TreeMap<>();
        for (int i = 0; i < boundAndCount.length; i += 2) {
            m.put(boundAndCount[i], boundAndCount[i + 1]);
        }
        return m;
    }

    @Test
    void interpolatesLinearlyInsideTheBucketHoldingTheRank() {
        // 10 observations: 2 in (0, 0.1], 6 in (0.1, 0.2], 2 in (0.2, 0.5]
        BucketHistogram h = new BucketHistogram(buckets(0.1, 2, 0.2, 8, 0.5, 10, Double.POSITIVE_INFINITY, 10));
        assertEquals(10, h.count());
        assertEquals(0.05, h.quantile(0.1), 1e-12, "rank 1 of 2 in the first bucket, which starts at 0");
        assertEquals(0.15, h.quantile(0.5), 1e-12, "rank 5: 3 of 6 into (0.1, 0.2]");
        assertEquals(0.35, h.quantile(0.9), 1e-12, "rank 9: 1 of 2 into (0.2, 0.5]");
        assertArrayEquals(new double[] {0.1, 0.2}, h.bounds(0.5), 1e-12, "ranks 4..6 all in (0.1, 0.2]");
        assertArrayEquals(new double[] {0.1, 0.5}, h.bounds(0.75), 1e-12, "rank 7.5 +-1 spans two buckets");
        assertArrayEquals(new double[] {0.2, 0.5}, h.bounds(0.95), 1e-12, "ranks 8.5..10");
    }

    @Test
    void rankInTheInfBucketGivesTheHighestFiniteBound() {
        BucketHistogram h = new BucketHistogram(buckets(0.1, 1, 1.0, 2, Double.POSITIVE_INFINITY, 4));
        assertEquals(1.0, h.quantile(0.99));
        assertEquals(Double.POSITIVE_INFINITY, h.bounds(0.99)[1]);
    }

    @Test
    void deltaKeepsOnlyObservationsBetweenScrapesAndEmptyMeansNaN() {
        TreeMap<Double, Double> before = buckets(0.1, 100, 1.0, 100, Double.POSITIVE_INFINITY, 100);
        TreeMap<Double, Double> after = buckets(0.1, 100, 1.0, 104, Double.POSITIVE_INFINITY, 104);
        BucketHistogram d = BucketHistogram.delta(before, after);
        assertEquals(Map.of(0.1, 0.0, 1.0, 4.0, Double.POSITIVE_INFINITY, 4.0), d.cumulative());
        assertEquals(0.55, d.quantile(0.5), 1e-12, "all 4 new observations are in (0.1, 1.0]; empty bucket skipped");
        assertTrue(Double.isNaN(BucketHistogram.delta(before, before).quantile(0.5)));
        assertTrue(Double.isNaN(new BucketHistogram(new TreeMap<>()).quantile(0.5)));
    }
}
