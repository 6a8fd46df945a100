package dev.stackwatch.provider.llamastack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelSource;
import dev.stackwatch.inference.ProviderHealth;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.io.DeadlineTimer;
import dev.stackwatch.provider.http.ModelLister;
import dev.stackwatch.provider.http.RemoteProvider;
import dev.stackwatch.provider.http.RemoteUpstream;
import dev.stackwatch.provider.http.UpstreamSettings;
import dev.stackwatch.provider.openai.OpenAiProvider;
import dev.stackwatch.api.Json;
import dev.stackwatch.inference.RelayObserver;
import io.helidon.webserver.http.Handler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code remote::llama-stack}: an upstream LlamaStack server. Models routed here are served through its
 * OpenAI-compatible /v1 routes; with {@code proxy_unknown_routes} (default true) every other /v1 route Stackwatch does
 * not implement is relayed to it as well, so Stackwatch can sit in front of a full LlamaStack and monitor it.
 */
public final class LlamaStackProvider implements InferenceProvider, RemoteProvider, ModelLister, ModelSource {
    public static final String TYPE = "remote::llama-stack";

    /** Uploads (multipart files) stream through the relay; this bounds them, separately from JSON bodies. */
    static final long DEFAULT_MAX_UPLOAD_BYTES = 512L * 1024 * 1024;

    private final OpenAiProvider inference;
    private final RemoteUpstream remote;
    private final boolean relayUnknownRoutes;
    private final long maxUploadBytes;

    private LlamaStackProvider(RemoteUpstream remote, boolean relayUnknownRoutes, long maxUploadBytes) {
        this.inference = new OpenAiProvider(TYPE, remote);
        this.remote = remote;
        this.relayUnknownRoutes = relayUnknownRoutes;
        this.maxUploadBytes = maxUploadBytes;
    }

    /** Config: {@code url} (the server root, e.g. http://localhost:8321), {@code api_key}, and the shared keys. */
    public static LlamaStackProvider create(ProviderConfig config, DeadlineTimer deadlines) {
        RemoteUpstream remote = RemoteUpstream.read(config, Set.of("url", "api_key", "proxy_unknown_routes",
                "max_upload_bytes"), node -> {
            UpstreamSettings root = UpstreamSettings.read(node, "url", null, "api_key");
            // Accept the URL with or without the /v1 that OpenAI-style configs carry.
            return root.baseUrl().getPath().endsWith("/v1") ? root : root.under("/v1");
        }, deadlines);
        return new LlamaStackProvider(remote, config.config().bool("proxy_unknown_routes", true),
                config.config().longValue("max_upload_bytes", DEFAULT_MAX_UPLOAD_BYTES, 1, Long.MAX_VALUE));
    }

    /**
     * The handler for the routes Stackwatch does not implement, when this provider relays them: JSON bodies up to
     * {@code maxBodyBytes}, other bodies (file uploads) up to the provider's {@code max_upload_bytes}; {@code observer}
     * observes relayed Responses calls and failures.
     */
    public Optional<Handler> passthrough(long maxBodyBytes, RelayObserver observer) {
        return relayUnknownRoutes
                ? Optional.of(new LlamaStackPassthrough(remote.http(), remote.guard(), remote.providerId(),
                        maxBodyBytes, maxUploadBytes, observer, Json.newMapper()))
                : Optional.empty();
    }

    @Override
    public String id() {
        return inference.id();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JsonNode describeConfig() {
        return inference.describeConfig();
    }

    @Override
    public void load(Model model) {
        inference.load(model);
    }

    @Override
    public Completion generate(GenerationRequest request, TokenSink sink) {
        return inference.generate(request, sink);
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        return inference.embed(request);
    }

    @Override
    public ProviderHealth checkHealth() {
        return inference.checkHealth();
    }

    @Override
    public List<String> listModels() {
        return inference.listModels();
    }

    @Override
    public Optional<Duration> discoveryInterval() {
        return inference.discoveryInterval();
    }

    @Override
    public List<Model> discoverModels() {
        return inference.discoverModels();
    }

    @Override
    public RemoteUpstream remote() {
        return remote;
    }

    @Override
    public void close() {
        inference.close();
    }
}
