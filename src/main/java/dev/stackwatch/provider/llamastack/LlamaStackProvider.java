package dev.stackwatch.provider.llamastack;

import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.RelayObserver;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.provider.http.RemoteProvider;
import dev.stackwatch.provider.http.RemoteUpstream;
import dev.stackwatch.provider.http.UpstreamSettings;
import dev.stackwatch.provider.http.UpstreamTransport;
import dev.stackwatch.provider.openai.OpenAiProvider;
import dev.stackwatch.wire.Json;
import io.helidon.webserver.http.Handler;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code remote::llama-stack}: an upstream LlamaStack server. Models routed here are served through its
 * OpenAI-compatible /v1 routes; with {@code proxy_unknown_routes} (default true) every other /v1 route Stackwatch does
 * not implement is relayed to it as well, so Stackwatch can sit in front of a full LlamaStack and monitor it.
 */
public final class LlamaStackProvider extends RemoteProvider {
    public static final String TYPE = "remote::llama-stack";

    /** Uploads (multipart files) stream through the relay; this bounds them, separately from JSON bodies. */
    static final long DEFAULT_MAX_UPLOAD_BYTES = 512L * 1024 * 1024;

    private final OpenAiProvider inference;
    private final boolean relayUnknownRoutes;
    private final long maxUploadBytes;

    private LlamaStackProvider(ProviderConfig config, RemoteUpstream remote, boolean relayUnknownRoutes,
                               long maxUploadBytes) {
        super(TYPE, config, remote);
        this.inference = new OpenAiProvider(TYPE, config, remote);
        this.relayUnknownRoutes = relayUnknownRoutes;
        this.maxUploadBytes = maxUploadBytes;
    }

    /** Config: {@code url} (the server root, e.g. http://localhost:8321), {@code api_key}, and the shared keys. */
    public static LlamaStackProvider create(ProviderConfig config, UpstreamTransport upstreams) {
        RemoteUpstream remote = RemoteUpstream.read(config, Set.of("url", "api_key", "proxy_unknown_routes",
                "max_upload_bytes"), node -> {
            UpstreamSettings root = UpstreamSettings.read(node, "url", null, "api_key");
            // Accept the URL with or without the /v1 that OpenAI-style configs carry.
            return root.baseUrl().getPath().endsWith("/v1") ? root : root.under("/v1");
        }, upstreams);
        return new LlamaStackProvider(config, remote, config.config().bool("proxy_unknown_routes", true),
                config.config().longValue("max_upload_bytes", DEFAULT_MAX_UPLOAD_BYTES, 1, Long.MAX_VALUE));
    }

    /** Other bodies than JSON (file uploads) are bounded by the provider's own {@code max_upload_bytes}. */
    @Override
    public Optional<Handler> distributionRelay(long maxBodyBytes, RelayObserver observer) {
        return relayUnknownRoutes
                ? Optional.of(new LlamaStackPassthrough(remote.http(), remote.guard(), remote.providerId(),
                        maxBodyBytes, maxUploadBytes, observer, Json.newMapper()))
                : Optional.empty();
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
    public List<String> listModels() {
        return inference.listModels();
    }
}
