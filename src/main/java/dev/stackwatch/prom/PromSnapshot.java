package dev.stackwatch.prom;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One scrape of a /metrics page, with the two questions the comparison asks of it. */
public record PromSnapshot(List<PromSample> samples) {
    public PromSnapshot {
        samples = List.copyOf(samples);
    }

    public static PromSnapshot of(String text) {
        return new PromSnapshot(PromText.parse(text));
    }

    /** Sum of every series of {@code name} whose labels include {@code match}; 0 when there is none. */
    public double sum(String name, Map<String, String> match) {
        return samples.stream().filter(s -> s.name().equals(name) && s.matches(match))
                .mapToDouble(PromSample::value).sum();
    }

    /** Cumulative bucket counts of histogram {@code base} by upper bound, summed over the series matching {@code match}. */
    public TreeMap<Double, Double> buckets(String base, Map<String, String> match) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (PromSample s : samples) {
            String le = s.labels().get("le");
            if (le != null && s.name().equals(base + "_bucket") && s.matches(match)) {
                buckets.merge(Double.parseDouble(le.replace("+Inf", "Infinity")), s.value(), Double::sum);
            }
        }
        return buckets;
    }
}
