package dev.stackwatch.telemetry.metrics.otlp;

import dev.stackwatch.telemetry.ExportHealth;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports each push (after the exporter's own retries) to {@link ExportHealth}, which counts failures and logs only
 * the transitions. It also keeps at most one push in flight: the periodic reader stops waiting for a push after its
 * timeout and would start the next while the first is still retrying, piling up requests against a collector that is
 * already slow. A push skipped that way counts as failed (under cumulative temporality the next one carries its data).
 */
final class FailureCountingExporter implements MetricExporter {
    private final MetricExporter delegate;
    private final ExportHealth health;
    private final AtomicBoolean inFlight = new AtomicBoolean();

    FailureCountingExporter(MetricExporter delegate, ExportHealth health) {
        this.delegate = delegate;
        this.health = health;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        if (!inFlight.compareAndSet(false, true)) {
            health.failed(new IllegalStateException("the previous push is still running"));
            return CompletableResultCode.ofFailure();
        }
        CompletableResultCode push = delegate.export(metrics);
        push.whenComplete(() -> inFlight.set(false));
        return health.watch(push);
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
        return delegate.getMemoryMode();
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
