package dev.stackwatch.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.api.Json;
import dev.stackwatch.config.ConfigNode;
import dev.stackwatch.config.ModelConfig;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.config.Redaction;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelSource;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.ProviderHealth;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.provider.http.Discovery;
import dev.stackwatch.provider.http.HttpUpstream;
import dev.stackwatch.provider.http.ModelLister;
import dev.stackwatch.provider.http.RemoteProvider;
import dev.stackwatch.provider.http.RemoteConfigKeys;
import dev.stackwatch.provider.http.RemoteHealth;
import dev.stackwatch.provider.http.ResilienceSettings;
import dev.stackwatch.provider.http.SseEvents;
import dev.stackwatch.provider.http.UpstreamFailure;
import dev.stackwatch.provider.http.UpstreamGuard;
import dev.stackwatch.provider.http.UpstreamModelCheck;
import dev.stackwatch.provider.http.UpstreamResponse;
import dev.stackwatch.provider.http.UpstreamSettings;
import dev.stackwatch.provider.http.UpstreamStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Any OpenAI-compatible server: {@code remote::openai}, {@code remote::vllm}, and a LlamaStack upstream's OpenAI routes.
 * The client's request body is forwarded as it came (only {@code model} replaced), so fields Stackwatch does not
 * interpret (tools, response_format, logprobs, ...) still reach the upstream.
 */
public final class OpenAiProvider implements InferenceProvider, RemoteProvider, ModelLister, ModelSource {
    public static final String TYPE_OPENAI = "remote::openai";
    public static final String TYPE_VLLM = "remote::vllm";
    /** Whole JSON responses larger than this are refused rather than buffered. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);

    private final String id;
    private final String type;
    private final JsonNode describedConfig;
    private final HttpUpstream upstream;
    private final UpstreamGuard guard;
    private final Discovery discovery;

    public OpenAiProvider(String id, String type, JsonNode describedConfig, HttpUpstream upstream, UpstreamGuard guard,
                          Discovery discovery) {
        this.id = id;
        this.type = type;
        this.describedConfig = describedConfig;
        this.upstream = upstream;
        this.guard = guard;
        this.discovery = discovery;
    }

    /** {@code remote::openai}: {@code base_url} (default OpenAI's) and {@code api_key}. */
    public static OpenAiProvider openAi(ProviderConfig config, List<ModelConfig> models) {
        return create(config, TYPE_OPENAI, UpstreamSettings.read(config.config(), "base_url",
                "https://api.openai.com/v1", "api_key"), Set.of("base_url", "api_key"));
    }

    /**
     * {@code remote::vllm}: {@code url} (including /v1, as in LlamaStack's run.yaml) and {@code api_token}. LlamaStack's
     * {@code max_tokens} default is not supported (the client's own limit is forwarded) and is warned about as unknown.
     */
    public static OpenAiProvider vllm(ProviderConfig config, List<ModelConfig> models) {
        return create(config, TYPE_VLLM, UpstreamSettings.read(config.config(), "url", null, "api_token"),
                Set.of("url", "api_token"));
    }

    private static OpenAiProvider create(ProviderConfig config, String type, UpstreamSettings settings,
                                         Set<String> ownKeys) {
        ConfigNode node = config.config();
        node.warnUnknownKeys(RemoteConfigKeys.with(ownKeys));
        return new OpenAiProvider(config.providerId(), type, Redaction.redact(node.raw()),
                new HttpUpstream(settings, Json.newMapper()), new UpstreamGuard(config.providerId(),
                ResilienceSettings.read(node)), Discovery.read(node));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public JsonNode describeConfig() {
        return describedConfig;
    }

    /** Waits (up to load_timeout_ms) until the upstream answers and lists the model, so readiness means servable. */
    @Override
    public void load(Model model) {
        new UpstreamModelCheck(id, upstream.settings().loadTimeout()).await(model, this::listModels);
    }

    @Override
    public Completion generate(GenerationRequest request, TokenSink sink) {
        ObjectNode body = request.body().deepCopy();
        body.put("model", request.model().providerModelId());
        String path = request.operation() == Operation.COMPLETION ? "/completions" : "/chat/completions";
        if (request.stream()) {
            // Usage arrives in the last chunk only when asked for; token counts must be right even if the client
            // did not ask (the API decides what to show it).
            body.putObject("stream_options").put("include_usage", true);
        }
        return guard.call(progress -> {
            try (UpstreamResponse response = upstream.postJson(path, body)) {
                if (!request.stream()) {
                    return OpenAiWire.completion(upstream.readJson(response, MAX_RESPONSE_BYTES));
                }
                StreamAccumulator acc = new StreamAccumulator(progress.track(sink));
                SseEvents events = new SseEvents(response);
                for (String data = events.next(); data != null; data = events.next()) {
                    acc.accept(upstream.parse(data, "SSE event"));
                }
                return acc.completion();
            }
        });
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        ObjectNode body = request.body().deepCopy();
        body.put("model", request.model().providerModelId());
        // The API layer encodes base64 itself when the client asked for it; floats are what it needs.
        body.put("encoding_format", "float");
        return guard.call(progress -> {
            try (UpstreamResponse response = upstream.postJson("/embeddings", body)) {
                return OpenAiWire.embeddings(upstream.readJson(response, MAX_RESPONSE_BYTES));
            }
        });
    }

    @Override
    public List<String> listModels() {
        try (UpstreamResponse response = upstream.get("/models", HEALTH_TIMEOUT)) {
            return OpenAiWire.modelIds(upstream.readJson(response, MAX_RESPONSE_BYTES));
        }
    }

    @Override
    public Optional<Duration> discoveryInterval() {
        return discovery.interval();
    }

    @Override
    public List<Model> discoverModels() {
        try {
            return listModels().stream().map(m -> Discovery.model(id, m)).toList();
        } catch (UpstreamFailure f) {
            throw f.toProviderException(id);
        }
    }

    @Override
    public ProviderHealth checkHealth() {
        return RemoteHealth.check(guard.breaker(), this::listModels);
    }

    @Override
    public UpstreamStatus upstreamStatus() {
        return guard;
    }

    @Override
    public void close() {
        upstream.close();
    }
}
