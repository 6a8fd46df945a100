package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.inference.ObserverFailures;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs a telemetry observer that threw. The first failure of each observer at each stage is logged with its
 * stack trace (that is the bug to fix); repeats are one line each, so a broken observer cannot flood the log with
 * traces on every request.
 */
public final class ObserverFailureCounter implements ObserverFailures {
    private static final Logger LOG = LoggerFactory.getLogger(ObserverFailureCounter.class);

    private final Metrics metrics;
    private final Set<String> traced = ConcurrentHashMap.newKeySet();

    public ObserverFailureCounter(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void failed(String observer, String stage, RuntimeException failure) {
        metrics.telemetryFailed(observer);
        if (traced.add(observer + " " + stage)) {
            LOG.warn("telemetry observer {} failed in {}; the request goes on without it", observer, stage, failure);
        } else {
            LOG.warn("telemetry observer {} failed in {} again: {}", observer, stage, failure.toString());
        }
    }
}
