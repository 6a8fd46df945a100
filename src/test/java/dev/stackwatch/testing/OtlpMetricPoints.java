package dev.stackwatch.testing;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The data points of decoded OTLP metrics pushes, flattened for assertions: one {@link Point} per histogram or sum
 * data point, with its metric's name, unit and temporality and its attributes as strings.
 */
public final class OtlpMetricPoints {
    private OtlpMetricPoints() {
    }

    /** {@code value} is a sum's value; {@code count}, {@code sum}, {@code bounds}, {@code buckets} a histogram's. */
    public record Point(String metric, String unit, AggregationTemporality temporality, Map<String, String> resource,
                        Map<String, String> attributes, double value, long count, double sum, List<Double> bounds,
                        List<Long> buckets, List<Exemplar> exemplars) {
        public boolean has(Map<String, String> match) {
            return attributes.entrySet().containsAll(match.entrySet());
        }
    }

    /** Every point of {@code metric} in {@code pushes}, in arrival order. */
    public static List<Point> of(List<ExportMetricsServiceRequest> pushes, String metric) {
        List<Point> points = new ArrayList<>();
        for (ExportMetricsServiceRequest push : pushes) {
            for (ResourceMetrics rm : push.getResourceMetricsList()) {
                Map<String, String> resource = text(rm.getResource().getAttributesList());
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        if (m.getName().equals(metric)) {
                            add(points, m, resource);
                        }
                    }
                }
            }
        }
        return points;
    }

    /** The points of {@code metric} in the last push that has it: the totals, under cumulative temporality. */
    public static List<Point> latest(List<ExportMetricsServiceRequest> pushes, String metric) {
        for (int i = pushes.size() - 1; i >= 0; i--) {
            List<Point> points = of(List.of(pushes.get(i)), metric);
            if (!points.isEmpty()) {
                return points;
            }
        }
        return List.of();
    }

    /** Histogram observations over the points whose attributes include {@code match}. */
    public static long count(List<Point> points, Map<String, String> match) {
        return points.stream().filter(p -> p.has(match)).mapToLong(Point::count).sum();
    }

    /** Histogram sums over the points whose attributes include {@code match}. */
    public static double sum(List<Point> points, Map<String, String> match) {
        return points.stream().filter(p -> p.has(match)).mapToDouble(Point::sum).sum();
    }

    private static void add(List<Point> points, Metric m, Map<String, String> resource) {
        switch (m.getDataCase()) {
            case HISTOGRAM -> m.getHistogram().getDataPointsList().forEach(p -> points.add(new Point(m.getName(),
                    m.getUnit(), m.getHistogram().getAggregationTemporality(), resource,
                    text(p.getAttributesList()), 0, p.getCount(), p.getSum(), p.getExplicitBoundsList(),
                    p.getBucketCountsList(), p.getExemplarsList())));
            case SUM -> m.getSum().getDataPointsList().forEach(p -> points.add(new Point(m.getName(), m.getUnit(),
                    m.getSum().getAggregationTemporality(), resource, text(p.getAttributesList()),
                    p.hasAsInt() ? p.getAsInt() : p.getAsDouble(), 0, 0, List.of(), List.of(),
                    p.getExemplarsList())));
            default -> throw new AssertionError(m.getName() + " is a " + m.getDataCase() + ", not read here");
        }
    }

    private static Map<String, String> text(List<KeyValue> attributes) {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv.getValue())));
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> String.valueOf(v.getIntValue());
            case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
            case BOOL_VALUE -> String.valueOf(v.getBoolValue());
            default -> v.toString();
        };
    }
}
