package dev.stackwatch.telemetry.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Builds the exporter when it is first used instead of at start-up. The OTLP exporter's JDK HTTP client sets up TLS
 * as it is made (the trust store's certificates, the security providers), whatever the endpoint's scheme: about a
 * third of a second of start-up (docs/benchmarks.md) that a new replica's first answer should not wait behind. The
 * span processor first exports seconds after start, on its own thread.
 */
final class DeferredSpanExporter implements SpanExporter {
    private final Supplier<SpanExporter> build;
    private SpanExporter exporter;

    DeferredSpanExporter(Supplier<SpanExporter> build) {
        this.build = build;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return exporter().export(spans);
    }

    @Override
    public synchronized CompletableResultCode flush() {
        return exporter == null ? CompletableResultCode.ofSuccess() : exporter.flush();
    }

    /** Nothing was ever exported when it was never built: there is nothing to close. */
    @Override
    public synchronized CompletableResultCode shutdown() {
        return exporter == null ? CompletableResultCode.ofSuccess() : exporter.shutdown();
    }

    private synchronized SpanExporter exporter() {
        if (exporter == null) {
            exporter = build.get();
        }
        return exporter;
    }
}
