package dev.stackwatch.prom;

import java.util.Map;

/** One sample line of the Prometheus text format: a metric name, its labels and its value. */
public record PromSample(String name, Map<String, String> labels, double value) {
    public PromSample {
        labels = Map.copyOf(labels);
    }

    /** True when every label in {@code wanted} is present here with the same value. */
    public boolean matches(Map<String, String> wanted) {
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
