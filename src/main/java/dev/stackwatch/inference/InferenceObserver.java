package dev.stackwatch.inference;

import dev.stackwatch.exchange.Exchange;
import java.time.Duration;

/**
 * Watches provider calls from outside. Telemetry (metrics, spans, log fields) implements this; providers and handlers
 * never call telemetry themselves. {@link ObservedProvider} is the one decorator that drives observers.
 */
public interface InferenceObserver {

    /** A provider call is about to start; the returned call receives what happens to it. */
    Call start(CallInfo info);

    /** The observer's name in logs and in {@code llamastack_telemetry_errors_total{observer}}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** A model finished loading, successfully ({@code failure} null) or not. */
    default void modelLoaded(Model model, String providerType, Duration took, Throwable failure) {
    }

    /** A request relayed to an upstream LlamaStack failed there (see {@link RelayObserver#relayFailed}). */
    default void relayFailed(String providerId, String route, Throwable failure) {
    }

    /**
     * What is known about a call when it starts. {@code generation} is null for embeddings; {@code endpoint} is the
     * upstream the provider calls, null for an in-process provider; {@code exchange} is the client request's, which
     * an observer reports the call's facts to and reads the request's (key, quota) from.
     */
    record CallInfo(Operation operation, Model model, String providerType, boolean stream,
                    GenerationRequest generation, EmbeddingRequest embedding, UpstreamEndpoint endpoint,
                    Exchange exchange) {
    }

    /** The life of one call. Exactly one of {@link #completed}, {@link #embedded} or {@link #failed} ends it. */
    interface Call {
        /** A streamed piece of text reached the client; {@code index} counts from 0. */
        default void token(int index, long nanoTime) {
        }

        default void completed(Completion completion) {
        }

        default void embedded(Embeddings embeddings) {
        }

        /** {@link ClientDisconnectedException} means the client cancelled; anything else is a provider failure. */
        default void failed(Throwable failure) {
        }

        /**
         * The headers the call's upstream requests carry, given those they would carry otherwise: the tracing
         * observer's call puts its span's trace context in place of the client's.
         */
        default UpstreamHeaders upstreamHeaders(UpstreamHeaders given) {
            return given;
        }
    }
}
