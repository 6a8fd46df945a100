package dev.stackwatch.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.provider.http.HttpUpstream;
import dev.stackwatch.provider.http.RemoteProvider;
import dev.stackwatch.provider.http.RemoteUpstream;
import dev.stackwatch.provider.http.UpstreamFailure;
import dev.stackwatch.provider.http.UpstreamGuard;
import dev.stackwatch.provider.http.UpstreamResponse;
import dev.stackwatch.provider.http.UpstreamSettings;
import dev.stackwatch.provider.http.UpstreamTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@code remote::ollama}: Ollama's native API (/api/chat, /api/generate, /api/embed, /api/tags, /api/ps), streamed as
 * NDJSON, translated to and from the OpenAI shapes the API serves.
 *
 * <p>Loading a model sends Ollama's documented warm-up (an empty generate with {@code keep_alive}), so the weights are
 * in memory before the model is reported ready and the first client does not pay for the load. Ollama's own
 * {@code load_duration} from that warm-up, and from any later response (Ollama reloads evicted models on demand), is
 * kept per model and offered through {@link #reportedLoadTime}.
 */
public final class OllamaProvider extends RemoteProvider {
    public static final String TYPE = "remote::ollama";
    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(5);

    private final HttpUpstream upstream;
    private final UpstreamGuard guard;
    private final String keepAlive;
    private final Map<String, Duration> loadTimes = new ConcurrentHashMap<>();

    private OllamaProvider(ProviderConfig config, RemoteUpstream remote, String keepAlive) {
        super(TYPE, config, remote);
        this.upstream = remote.http();
        this.guard = remote.guard();
        this.keepAlive = keepAlive;
    }

    /** Config: {@code url} (default http://localhost:11434), {@code keep_alive} (default 5m) and the shared keys. */
    public static OllamaProvider create(ProviderConfig config, UpstreamTransport upstreams) {
        return new OllamaProvider(config, RemoteUpstream.read(config, Set.of("url", "api_token", "keep_alive"),
                node -> UpstreamSettings.read(node, "url", "http://localhost:11434", "api_token"), upstreams),
                config.config().text("keep_alive", "5m"));
    }

    @Override
    public void load(Model model) {
        super.load(model);
        if (model.type() == ModelType.EMBEDDING || resident(model)) {
            return;
        }
        JsonNode answer = guard.call(progress -> {
            try (UpstreamResponse response = upstream.postJson("/api/generate",
                    OllamaWire.warmUp(model.providerModelId(), keepAlive))) {
                return upstream.readJson(response, MAX_RESPONSE_BYTES);
            }
        });
        record(model.providerModelId(), answer);
    }

    /** Whether Ollama has the model in memory already (GET /api/ps); then there is nothing to warm up. */
    private boolean resident(Model model) {
        try (UpstreamResponse response = upstream.get("/api/ps", LIST_TIMEOUT)) {
            return OllamaWire.modelNames(upstream.readJson(response, MAX_RESPONSE_BYTES)).stream()
                    .anyMatch(name -> OllamaWire.sameModel(model.providerModelId(), name));
        } catch (UpstreamFailure f) {
            throw f.toProviderException(id());
        }
    }

    @Override
    public Completion generate(GenerationRequest request, TokenSink sink) {
        String path = request.operation() == Operation.COMPLETION ? "/api/generate" : "/api/chat";
        ObjectNode body = OllamaWire.generation(request, keepAlive);
        String model = request.model().providerModelId();
        return guard.call(progress -> {
            try (UpstreamResponse response = upstream.postJson(path, body, request.upstreamHeaders())) {
                if (!request.stream()) {
                    JsonNode answer = upstream.readJson(response, MAX_RESPONSE_BYTES);
                    record(model, answer);
                    JsonNode toolCalls = OllamaWire.toolCalls(answer, 0, false);
                    return new Completion(OllamaWire.text(answer),
                            toolCalls != null ? FinishReason.TOOL_CALLS : OllamaWire.finishReason(answer),
                            OllamaWire.usage(answer), toolCalls);
                }
                TokenSink tracked = progress.track(sink);
                response.beforeWaiting(tracked::flush);
                StringBuilder text = new StringBuilder();
                int toolCalls = 0;
                for (String line = response.readLine(); line != null; line = response.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode chunk = upstream.parse(line, "NDJSON line");
                    if (chunk.path("error").isTextual()) {
                        throw UpstreamFailure.badResponse("ollama reported an error mid-stream: "
                                + chunk.get("error").asText(), null);
                    }
                    String piece = OllamaWire.text(chunk);
                    if (!piece.isEmpty()) {
                        text.append(piece);
                        tracked.token(piece);
                    }
                    JsonNode calls = OllamaWire.toolCalls(chunk, toolCalls, true);
                    if (calls != null) {
                        toolCalls += calls.size();
                        tracked.toolCalls(calls);
                    }
                    if (chunk.path("done").asBoolean(false)) {
                        response.drain();
                        record(model, chunk);
                        return new Completion(text.toString(),
                                toolCalls > 0 ? FinishReason.TOOL_CALLS : OllamaWire.finishReason(chunk),
                                OllamaWire.usage(chunk));
                    }
                }
                throw UpstreamFailure.badResponse("ollama stream ended without a final \"done\" line", null);
            }
        });
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        JsonNode answer = guard.call(progress -> {
            try (UpstreamResponse response = upstream.postJson("/api/embed",
                    OllamaWire.embedding(request, keepAlive), request.upstreamHeaders())) {
                return upstream.readJson(response, MAX_RESPONSE_BYTES);
            }
        });
        List<float[]> vectors = OllamaWire.vectors(answer);
        if (vectors.size() != request.inputs().size()) {
            throw new ProviderException(ProviderException.Kind.BAD_GATEWAY, id(), "ollama returned " + vectors.size()
                    + " embeddings for " + request.inputs().size() + " inputs");
        }
        record(request.model().providerModelId(), answer);
        return new Embeddings(vectors, answer.path("prompt_eval_count").asInt(0));
    }

    private void record(String model, JsonNode response) {
        Duration d = OllamaWire.loadDuration(response);
        if (d != null) {
            loadTimes.put(model, d);
        }
    }

    @Override
    public Optional<Duration> reportedLoadTime(Model model) {
        return Optional.ofNullable(loadTimes.get(model.providerModelId()));
    }

    /** Installed models (GET /api/tags), with Ollama's implicit ":latest" also listed bare so run.yaml names match. */
    @Override
    public List<String> listModels() {
        return installed().stream().flatMap(n -> n.equals(bare(n)) ? Stream.of(n) : Stream.of(n, bare(n))).toList();
    }

    /** Installed models under the names people use: "llama3.2" rather than "llama3.2:latest". */
    @Override
    public List<Model> discoverModels() {
        return remote.discover(() -> installed().stream().map(OllamaProvider::bare).toList());
    }

    private List<String> installed() {
        try (UpstreamResponse response = upstream.get("/api/tags", LIST_TIMEOUT)) {
            return OllamaWire.modelNames(upstream.readJson(response, MAX_RESPONSE_BYTES));
        }
    }

    private static String bare(String name) {
        return name.endsWith(":latest") ? name.substring(0, name.length() - ":latest".length()) : name;
    }
}
