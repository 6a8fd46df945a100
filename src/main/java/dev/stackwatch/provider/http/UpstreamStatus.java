package dev.stackwatch.provider.http;

import dev.stackwatch.inference.CircuitState;

/** Live resilience state of a remote provider, e.g. for a circuit-state gauge and in-flight / queued gauges. */
public interface UpstreamStatus {
    CircuitState circuitState();

    int inFlight();

    int queued();
}
