package dev.stackwatch.inference;

/**
 * What a relay to an upstream LlamaStack tells the observers, so that it records nothing itself: its Responses API
 * calls, observed like chat, and the failures of every other relayed route, counted like a provider's.
 */
public interface RelayObserver {
    /** Starts an observed inference call whose bytes the relay passes on unchanged. */
    InferenceObserver.Call observe(InferenceObserver.CallInfo info);

    /**
     * A relayed request to {@code route} (its template) failed upstream: a 5xx, a refused connection, a timeout, a
     * stall. {@code failure} is the {@link ProviderException} the client was answered with (or that cut its stream).
     */
    void relayFailed(String providerId, String route, Throwable failure);
}
