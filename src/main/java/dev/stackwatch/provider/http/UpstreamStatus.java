package dev.stackwatch.provider.http;

/** Live resilience state of a remote provider, e.g. for a circuit-state gauge and in-flight / queued gauges. */
public interface UpstreamStatus {
    CircuitBreaker.State circuitState();

    int inFlight();

    int queued();
}
