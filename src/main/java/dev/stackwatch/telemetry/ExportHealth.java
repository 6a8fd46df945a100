package dev.stackwatch.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one signal's pushes to the collector get through. Every failed push is counted (in
 * {@code llamastack_telemetry_export_failures_total}); the log says so only when pushes start failing and when they
 * get through again, so an outage of hours is two lines and a counter, not a line per push.
 */
public final class ExportHealth {
    private static final Logger LOG = LoggerFactory.getLogger(ExportHealth.class);

    private final String signal;
    private final String endpoint;
    private final Runnable countFailure;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong failuresInARow = new AtomicLong();

    /** {@code signal}: {@code metrics} or {@code traces}; {@code countFailure} runs once per failed push. */
    public ExportHealth(String signal, String endpoint, Runnable countFailure) {
        this.signal = signal;
        this.endpoint = endpoint;
        this.countFailure = countFailure;
    }

    /** Follows one push to its end (retries included); returns it, for the exporter to hand back. */
    public CompletableResultCode watch(CompletableResultCode push) {
        push.whenComplete(() -> {
            if (push.isSuccess()) {
                succeeded();
            } else {
                failed(push.getFailureThrowable());
            }
        });
        return push;
    }

    private void succeeded() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("OTLP {} export to {} resumed after {} failed push(es)", signal, endpoint,
                    failuresInARow.getAndSet(0));
        }
    }

    /** {@code reason} may be null when the exporter gave none. */
    public void failed(Throwable reason) {
        countFailure.run();
        failuresInARow.incrementAndGet();
        if (failing.compareAndSet(false, true)) {
            LOG.warn("OTLP {} export to {} failed ({}); further failures are counted in"
                    + " llamastack_telemetry_export_failures_total{signal=\"{}\"}, not logged, until it recovers",
                    signal, endpoint, reason == null ? "no reason given" : reason.toString(), signal);
        }
    }
}
