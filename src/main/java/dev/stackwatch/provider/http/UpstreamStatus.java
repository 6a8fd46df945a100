package dev.stackwatch.provider.http;

/**
 * Live resilience state of a remote provider, for metrics and readiness (e.g. a circuit-state gauge and in-flight /
 * queued gauges). Remote providers implement it; reach them through {@code ObservedProvider.delegate()}.
 */
public interface UpstreamStatus {
    CircuitBreaker.State circuitState();

    int inFlight();

    int queued();
}
