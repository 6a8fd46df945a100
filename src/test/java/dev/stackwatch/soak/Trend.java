package dev.stackwatch.soak;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Least-squares slope of a series against time, and the growth it projects over a span. */
record Trend(String name, double slopePerMinute, double projectedGrowth, double allowed) {

    boolean rising() {
        return projectedGrowth > allowed;
    }

    /**
     * Fits the second half of the samples (the first half is warm-up: JIT, pools, caches) and fails the series when
     * the growth the fit projects over that half exceeds {@code allowed} (an absolute amount, in the series' unit).
     */
    static Trend of(String name, List<ProcessSampler.Sample> samples, ToDoubleFunction<ProcessSampler.Sample> value,
                    double allowed) {
        List<ProcessSampler.Sample> half = samples.subList(samples.size() / 2, samples.size());
        int n = half.size();
        if (n < 3) {
            return new Trend(name, 0, 0, allowed);
        }
        double meanX = 0;
        double meanY = 0;
        for (ProcessSampler.Sample s : half) {
            meanX += s.atMillis() / 60_000.0;
            meanY += value.applyAsDouble(s);
        }
        meanX /= n;
        meanY /= n;
        double num = 0;
        double den = 0;
        for (ProcessSampler.Sample s : half) {
            double dx = s.atMillis() / 60_000.0 - meanX;
            num += dx * (value.applyAsDouble(s) - meanY);
            den += dx * dx;
        }
        double slope = den == 0 ? 0 : num / den;
        double minutes = (half.getLast().atMillis() - half.getFirst().atMillis()) / 60_000.0;
        return new Trend(name, slope, slope * minutes, allowed);
    }
}
