package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.Handler;
import java.time.Duration;
import java.util.Optional;

/**
 * A backend that serves models. Implementations are plain blocking code (they run on virtual threads) and contain no
 * telemetry: a decorator around every provider measures them. What a provider can do besides inference (an upstream
 * to report on, model discovery, the rest of the LlamaStack API) it declares through the methods that default to
 * "nothing", so neither the wiring nor the decorator needs to know a provider's class.
 */
public interface InferenceProvider extends AutoCloseable {
    String id();

    /** LlamaStack provider type, e.g. {@code inline::simulator} or {@code remote::vllm}. */
    String type();

    /** The provider's configuration with secrets masked, as shown by {@code /v1/providers}. */
    JsonNode describeConfig();

    /** Makes a model serviceable (weights loaded, upstream reachable); returns once it is. */
    void load(Model model);

    /**
     * Generates text. For streamed requests every piece of text goes to {@code sink} as soon as it exists; the returned
     * {@link Completion} always carries the whole text and the token counts.
     */
    Completion generate(GenerationRequest request, TokenSink sink);

    Embeddings embed(EmbeddingRequest request);

    /**
     * How long the upstream itself said the last load of this model took (Ollama's {@code load_duration}), when it
     * says: more exact than a wall clock around {@link #load}, which includes HTTP overhead.
     */
    default Optional<Duration> reportedLoadTime(Model model) {
        return Optional.empty();
    }

    /** The upstream this provider calls, for the observers' {@code server.*} attributes; empty when in-process. */
    default Optional<UpstreamEndpoint> endpoint() {
        return Optional.empty();
    }

    /** Live state of the upstream's guard (circuit, in flight, queued); empty when in-process. */
    default Optional<UpstreamStatus> upstreamStatus() {
        return Optional.empty();
    }

    /** Finds the models the upstream serves beyond run.yaml's; empty when the provider cannot. */
    default Optional<ModelSource> modelSource() {
        return Optional.empty();
    }

    /**
     * The handler relaying the LlamaStack routes Stackwatch does not implement to this provider's upstream
     * distribution, when it relays them: JSON bodies up to {@code maxBodyBytes}; {@code observer} hears relayed
     * Responses calls and failures.
     */
    default Optional<Handler> distributionRelay(long maxBodyBytes, RelayObserver observer) {
        return Optional.empty();
    }

    /** Whether this provider also simulates a LlamaStack distribution in memory (files, vector stores, ...). */
    default boolean simulatesDistribution() {
        return false;
    }

    /** A quick check of whether the provider can serve now; called in the background, never on a probe's path. */
    ProviderHealth checkHealth();

    @Override
    default void close() {
    }
}
