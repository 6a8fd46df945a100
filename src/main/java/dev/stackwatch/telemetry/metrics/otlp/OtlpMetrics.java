package dev.stackwatch.telemetry.metrics.otlp;

import dev.stackwatch.telemetry.ExportHealth;
import dev.stackwatch.telemetry.metrics.MetricSink;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The OTLP metrics push when it is on: one SDK meter provider whose periodic reader exports over OTLP/HTTP every
 * interval. Serving never waits on it: instruments aggregate in memory, the reader runs on its own thread with at
 * most one export in flight (a slow collector makes the next interval's push be skipped, never queued), each push is
 * bounded by the timeout and retried with backoff on 429/502/503/504. Nothing is registered globally.
 */
public final class OtlpMetrics implements AutoCloseable {
    private static final String INSTRUMENTATION_SCOPE = "dev.stackwatch";

    private final SdkMeterProvider provider;
    private final OtlpSink sink;

    private OtlpMetrics(SdkMeterProvider provider, Set<String> models) {
        this.provider = provider;
        this.sink = new OtlpSink(provider.get(INSTRUMENTATION_SCOPE), models);
    }

    /** {@code exportFailed} runs once per push that failed for good; {@code models} are the configured model ids. */
    public static OtlpMetrics start(OtlpMetricsSettings settings, Set<String> models, Runnable exportFailed) {
        OtlpHttpMetricExporterBuilder exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint(settings.endpoint().toString())
                .setTimeout(settings.timeout())
                .setAggregationTemporalitySelector(switch (settings.temporality()) {
                    case CUMULATIVE -> AggregationTemporalitySelector.alwaysCumulative();
                    case DELTA -> AggregationTemporalitySelector.deltaPreferred();
                    case LOWMEMORY -> AggregationTemporalitySelector.lowMemory();
                });
        settings.headers().forEach(exporter::addHeader);
        AttributesBuilder resource = Attributes.builder();
        settings.resource().forEach(resource::put);
        SdkMeterProvider provider = SdkMeterProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
                // The default, said out loud: a value recorded inside a sampled span carries its trace and span id.
                .setExemplarFilter(ExemplarFilter.traceBased())
                .registerMetricReader(PeriodicMetricReader.builder(new FailureCountingExporter(exporter.build(),
                                new ExportHealth("metrics", settings.endpoint().toString(), exportFailed)))
                        .setInterval(settings.interval())
                        .build())
                .build();
        return new OtlpMetrics(provider, models);
    }

    public MetricSink sink() {
        return sink;
    }

    /** Pushes what was recorded since the last interval, waiting a bounded time so a dead collector cannot hang exit. */
    @Override
    public void close() {
        provider.shutdown().join(15, TimeUnit.SECONDS);
    }
}
