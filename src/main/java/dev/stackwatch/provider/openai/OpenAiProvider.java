package dev.stackwatch.provider.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.provider.http.HttpUpstream;
import dev.stackwatch.provider.http.RemoteProvider;
import dev.stackwatch.provider.http.RemoteUpstream;
import dev.stackwatch.provider.http.SseEvents;
import dev.stackwatch.provider.http.UpstreamGuard;
import dev.stackwatch.provider.http.UpstreamResponse;
import dev.stackwatch.provider.http.UpstreamSettings;
import dev.stackwatch.provider.http.UpstreamTransport;
import dev.stackwatch.wire.ByteSlice;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Any OpenAI-compatible server: {@code remote::openai}, {@code remote::vllm}, and a LlamaStack upstream's OpenAI routes.
 * The client's request body is forwarded as it came (only {@code model} replaced), so fields Stackwatch does not
 * interpret (tools, response_format, logprobs, ...) still reach the upstream.
 */
public final class OpenAiProvider extends RemoteProvider {
    public static final String TYPE_OPENAI = "remote::openai";
    public static final String TYPE_VLLM = "remote::vllm";
    /** Whole JSON responses larger than this are refused rather than buffered. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);

    private final HttpUpstream upstream;
    private final UpstreamGuard guard;

    /** {@code type}: how /v1/providers names it ({@code remote::openai}, {@code remote::vllm}, ...). */
    public OpenAiProvider(String type, ProviderConfig config, RemoteUpstream remote) {
        super(type, config, remote);
        this.upstream = remote.http();
        this.guard = remote.guard();
    }

    /** {@code remote::openai}: {@code base_url} (default OpenAI's) and {@code api_key}. */
    public static OpenAiProvider openAi(ProviderConfig config, UpstreamTransport upstreams) {
        return new OpenAiProvider(TYPE_OPENAI, config, RemoteUpstream.read(config, Set.of("base_url", "api_key"),
                node -> UpstreamSettings.read(node, "base_url", "https://api.openai.com/v1", "api_key"), upstreams));
    }

    /**
     * {@code remote::vllm}: {@code url} (including /v1, as in LlamaStack's run.yaml) and {@code api_token}. LlamaStack's
     * {@code max_tokens} default is not supported (the client's own limit is forwarded) and is warned about as unknown.
     */
    public static OpenAiProvider vllm(ProviderConfig config, UpstreamTransport upstreams) {
        return new OpenAiProvider(TYPE_VLLM, config, RemoteUpstream.read(config, Set.of("url", "api_token"),
                node -> UpstreamSettings.read(node, "url", null, "api_token"), upstreams));
    }

    @Override
    public Completion generate(GenerationRequest request, TokenSink sink) {
        ObjectNode body = topLevelCopy(request.body());
        body.put("model", request.model().providerModelId());
        String path = request.operation() == Operation.COMPLETION ? "/completions" : "/chat/completions";
        if (request.stream()) {
            // Usage arrives in the last chunk only when asked for; token counts must be right even if the client
            // did not ask (the API decides what to show it).
            body.putObject("stream_options").put("include_usage", true);
        }
        return guard.call(progress -> {
            try (UpstreamResponse response = upstream.postJson(path, body, request.upstreamHeaders())) {
                if (!request.stream()) {
                    return OpenAiWire.completion(upstream.readJson(response, MAX_RESPONSE_BYTES, ChunkScanner::scan));
                }
                TokenSink tracked = progress.track(sink);
                response.beforeWaiting(tracked::flush);
                StreamAccumulator acc = new StreamAccumulator(tracked);
                SseEvents events = new SseEvents(response);
                // One reader for the stream: a method reference in the loop was a new object per event.
                HttpUpstream.BodyReader<ChunkScanner.Chunk> chunks = new StreamChunkReader()::read;
                for (ByteSlice data = events.next(); data != null; data = events.next()) {
                    acc.accept(upstream.read(data, "SSE event", chunks));
                }
                return acc.completion();
            }
        });
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        ObjectNode body = topLevelCopy(request.body());
        body.put("model", request.model().providerModelId());
        // The API layer encodes base64 itself when the client asked for it; floats are what it needs.
        body.put("encoding_format", "float");
        return guard.call(progress -> {
            try (UpstreamResponse response = upstream.postJson("/embeddings", body, request.upstreamHeaders())) {
                return OpenAiWire.embeddings(upstream.readJson(response, MAX_RESPONSE_BYTES));
            }
        });
    }

    /**
     * The body with its top-level fields copied, the nested ones shared with the request: the upstream's body differs
     * only at the top (model, stream options, encoding format), and nothing writes the nested nodes. A deep copy
     * rebuilt the client's whole message history for every request.
     */
    private static ObjectNode topLevelCopy(ObjectNode body) {
        ObjectNode copy = body.objectNode();
        copy.setAll(body);
        return copy;
    }

    @Override
    public List<String> listModels() {
        try (UpstreamResponse response = upstream.get("/models", HEALTH_TIMEOUT)) {
            return OpenAiWire.modelIds(upstream.readJson(response, MAX_RESPONSE_BYTES));
        }
    }
}
