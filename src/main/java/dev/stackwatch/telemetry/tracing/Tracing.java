package dev.stackwatch.telemetry.tracing;

import dev.stackwatch.telemetry.ExportHealth;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.concurrent.TimeUnit;

/**
 * The tracing layer when tracing is on: one SDK tracer provider exporting OTLP over http/protobuf, handed to the
 * {@link TracingFilter} and {@link TracingObserver} it creates. Nothing is registered globally
 * ({@code GlobalOpenTelemetry} stays unset): whoever needs the tracer gets it from here.
 */
public final class Tracing implements AutoCloseable {
    private static final String INSTRUMENTATION_SCOPE = "dev.stackwatch";

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider.get(INSTRUMENTATION_SCOPE);
    }

    /** {@code exportFailed} runs once per span push that failed for good. */
    public static Tracing start(TracingSettings settings, Runnable exportFailed) {
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(settings.endpoint().toString());
        settings.headers().forEach(exporter::addHeader);
        AttributesBuilder resource = Attributes.builder();
        settings.resource().forEach(resource::put);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
                .setSampler(settings.sampler())
                .addSpanProcessor(BatchSpanProcessor.builder(new FailureCountingSpanExporter(
                                new DeferredSpanExporter(exporter::build),
                                new ExportHealth("traces", settings.endpoint().toString(), exportFailed)))
                        .setScheduleDelay(settings.scheduleDelay())
                        .build())
                .build();
        return new Tracing(provider);
    }

    /** The HTTP server span around each API request; add it outside the filters that should see it current. */
    public TracingFilter filter() {
        return new TracingFilter(tracer);
    }

    /** The GenAI span around each provider call; must be the first observer so later ones record inside its span. */
    public TracingObserver observer() {
        return new TracingObserver(tracer);
    }

    /** Exports what is still buffered, waiting a bounded time so a dead collector cannot hang shutdown. */
    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}
