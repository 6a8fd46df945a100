package dev.stackwatch.inference;

/**
 * Where {@link ObservedProvider} reports an observer that threw. Telemetry is a layer: its own bugs are counted and
 * logged here, and never reach the client.
 */
@FunctionalInterface
public interface ObserverFailures {
    /** {@code stage} is what the observer was told when it threw (start, token, completed, ...). */
    void failed(String observer, String stage, RuntimeException failure);
}
