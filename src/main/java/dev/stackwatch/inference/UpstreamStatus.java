package dev.stackwatch.inference;

/** Live resilience state of a remote provider, e.g. for a circuit-state gauge and in-flight / queued gauges. */
public interface UpstreamStatus {
    CircuitState circuitState();

    int inFlight();

    int queued();
}
