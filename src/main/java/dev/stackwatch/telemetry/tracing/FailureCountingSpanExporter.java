package dev.stackwatch.telemetry.tracing;

import dev.stackwatch.telemetry.ExportHealth;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** Reports each span push (after the exporter's own retries) to {@link ExportHealth}: counted, transitions logged. */
final class FailureCountingSpanExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final ExportHealth health;

    FailureCountingSpanExporter(SpanExporter delegate, ExportHealth health) {
        this.delegate = delegate;
        this.health = health;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return health.watch(delegate.export(spans));
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
