package dev.stackwatch.telemetry.metrics.otlp;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the pushes that failed (after the exporter's own retries) and logs only when the collector goes from
 * reachable to failing and back, so an outage of hours is two log lines and a counter, not a line per interval.
 * It also keeps at most one push in flight: the periodic reader stops waiting for a push after its timeout and would
 * start the next while the first is still retrying, piling up requests against a collector that is already slow. A
 * push skipped that way counts as failed (under cumulative temporality the next one carries its data anyway).
 */
final class FailureCountingExporter implements MetricExporter {
    private static final Logger LOG = LoggerFactory.getLogger(FailureCountingExporter.class);

    private final MetricExporter delegate;
    private final String endpoint;
    private final Runnable failed;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicLong failuresInARow = new AtomicLong();

    FailureCountingExporter(MetricExporter delegate, String endpoint, Runnable failed) {
        this.delegate = delegate;
        this.endpoint = endpoint;
        this.failed = failed;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        if (!inFlight.compareAndSet(false, true)) {
            failed();
            return CompletableResultCode.ofFailure();
        }
        CompletableResultCode result = delegate.export(metrics);
        result.whenComplete(() -> {
            inFlight.set(false);
            if (result.isSuccess()) {
                if (failing.compareAndSet(true, false)) {
                    LOG.info("OTLP metrics export to {} resumed after {} failed push(es)", endpoint,
                            failuresInARow.getAndSet(0));
                }
                return;
            }
            failed();
        });
        return result;
    }

    private void failed() {
        failed.run();
        failuresInARow.incrementAndGet();
        if (failing.compareAndSet(false, true)) {
            LOG.warn("OTLP metrics export to {} failed; further failures are counted in"
                    + " llamastack_telemetry_export_failures_total{signal=\"metrics\"}, not logged, until it recovers",
                    endpoint);
        }
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
