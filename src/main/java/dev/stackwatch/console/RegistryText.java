package dev.stackwatch.console;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The registry's {@code llamastack_*} metrics rendered in the Prometheus text format, byte for byte what a /metrics
 * scrape in that format returns for them, so the console and any dashboard read the same names, labels and buckets.
 * The JVM and process metrics, most of a scrape, are left out: the console shows none of them.
 */
public final class RegistryText implements Supplier<String> {
    private static final String PREFIX = "llamastack_";

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public RegistryText(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** The same metrics as snapshots, where native histogram buckets (absent from the text format) can be read. */
    public MetricSnapshots snapshots() {
        return registry.scrape(name -> name.startsWith(PREFIX));
    }

    @Override
    public String get() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape(name -> name.startsWith(PREFIX)));
        } catch (IOException e) {
            throw new UncheckedIOException("rendering the registry", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
