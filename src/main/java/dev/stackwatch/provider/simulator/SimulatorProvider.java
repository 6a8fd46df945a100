package dev.stackwatch.provider.simulator;

import dev.stackwatch.config.ConfigNode;
import dev.stackwatch.config.ModelConfig;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.ChatMessage;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.inference.ProviderHealth;
import dev.stackwatch.inference.SamplingParams;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.provider.ConfiguredProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code inline::simulator}: an honest stand-in for an LLM server. It generates text token by token with configured
 * time to first token, inter-token delay, jitter, error rate and model load time, so that everything around it (API,
 * telemetry, health, load tests) runs for real on any machine. It is named as a simulator wherever it shows.
 */
public final class SimulatorProvider extends ConfiguredProvider {
    public static final String TYPE = "inline::simulator";
    /** What a simulated distribution accepts as one file upload (held in memory). */
    public static final long MAX_UPLOAD_BYTES = 64L * 1024 * 1024;

    private final SimulatorSettings defaults;
    private final Map<String, SimulatorSettings> perModel;
    private final boolean distribution;

    private SimulatorProvider(ProviderConfig config, SimulatorSettings defaults, Map<String, SimulatorSettings> perModel,
                              boolean distribution) {
        super(TYPE, config);
        this.defaults = defaults;
        this.perModel = perModel;
        this.distribution = distribution;
    }

    /** Reads the provider's {@code config} and each routed model's {@code metadata} overrides; config errors name the field. */
    public static SimulatorProvider create(ProviderConfig config, List<ModelConfig> models) {
        ConfigNode node = config.config();
        // Only the provider's config: a model's metadata is free-form (shown by /v1/models) besides these keys.
        node.warnUnknownKeys(SimulatorSettings.KEYS);
        SimulatorSettings defaults = SimulatorSettings.read(node, SimulatorSettings.BUILT_IN);
        Map<String, SimulatorSettings> perModel = new HashMap<>();
        for (ModelConfig m : models) {
            perModel.put(m.providerModelId(), SimulatorSettings.read(m.metadata(), defaults));
        }
        return new SimulatorProvider(config, defaults, Map.copyOf(perModel), node.bool("distribution", false));
    }

    /**
     * Whether this simulator also acts as a LlamaStack distribution (config {@code distribution: true}): Responses
     * API, files, vector stores, conversations and the rest, in memory.
     */
    @Override
    public boolean simulatesDistribution() {
        return distribution;
    }

    @Override
    public void load(Model model) {
        pause(settings(model).loadTime(), 0.0);
    }

    @Override
    public Completion generate(GenerationRequest request, TokenSink sink) {
        SimulatorSettings s = settings(request.model());
        maybeFail(s);
        SamplingParams params = request.params();
        String input = request.inputText();
        long seed = seed(params, input);
        SplittableRandom random = new SplittableRandom(seed);
        Optional<SimulatedToolCall> toolCall = SimulatedToolCall.forRequest(request.body(), seed);
        if (toolCall.isPresent()) {
            pause(s.timeToFirstToken(), s.jitter());
            sink.toolCalls(toolCall.get().delta());
            sink.flush();
            return new Completion("", FinishReason.TOOL_CALLS, new Usage(promptTokens(request), 1),
                    toolCall.get().whole());
        }

        int natural = s.minTokens() + random.nextInt(s.maxTokens() - s.minTokens() + 1);
        int limit = params.maxTokens() == null ? natural : Math.min(natural, params.maxTokens());
        List<String> generated = TextGenerator.tokens(random, limit);
        List<String> tokens = cutAtStop(generated, params.stop());
        boolean hitStopSequence = tokens != generated;
        FinishReason reason = hitStopSequence || limit == natural ? FinishReason.STOP : FinishReason.LENGTH;

        StringBuilder text = new StringBuilder();
        pause(s.timeToFirstToken(), s.jitter());
        for (int i = 0; i < tokens.size(); i++) {
            if (i > 0) {
                pause(s.interTokenDelay(), s.jitter());
            }
            text.append(tokens.get(i));
            sink.token(tokens.get(i));
            // One write per token, as a model server sends them, even with no delay between tokens.
            sink.flush();
        }
        return new Completion(text.toString(), reason, new Usage(promptTokens(request), tokens.size()));
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        SimulatorSettings s = settings(request.model());
        maybeFail(s);
        pause(s.timeToFirstToken(), s.jitter());
        int dimension = request.dimensions() == null ? s.embeddingDimension()
                : Math.min(request.dimensions(), s.embeddingDimension());
        List<float[]> vectors = new ArrayList<>(request.inputs().size());
        int tokens = 0;
        for (String input : request.inputs()) {
            vectors.add(vector(input, s.embeddingDimension(), dimension));
            tokens += TokenCounter.count(input);
        }
        return new Embeddings(vectors, tokens);
    }

    @Override
    public ProviderHealth checkHealth() {
        return ProviderHealth.ok();
    }

    private SimulatorSettings settings(Model model) {
        return perModel.getOrDefault(model.providerModelId(), defaults);
    }

    private void maybeFail(SimulatorSettings s) {
        if (s.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < s.errorRate()) {
            throw new ProviderException(ProviderException.Kind.INTERNAL, id(),
                    "simulated provider error (error_rate " + s.errorRate() + ")");
        }
    }

    /** Same seed, same text; temperature 0 without a seed is greedy, so the prompt decides the text. */
    private static long seed(SamplingParams params, String input) {
        if (params.seed() != null) {
            return params.seed();
        }
        if (params.temperature() != null && params.temperature() == 0.0) {
            return fnv1a(input);
        }
        return ThreadLocalRandom.current().nextLong();
    }

    private static int promptTokens(GenerationRequest request) {
        if (request.operation() == Operation.COMPLETION) {
            return TokenCounter.count(request.prompt());
        }
        int n = 3;
        for (ChatMessage m : request.messages()) {
            n += TokenCounter.PER_MESSAGE_OVERHEAD + TokenCounter.count(m.content());
        }
        return n;
    }

    /**
     * Cuts the token list where the text first contains a stop sequence; the stop text itself is not emitted.
     * Returns the same list instance when no stop sequence occurs.
     */
    private static List<String> cutAtStop(List<String> tokens, List<String> stops) {
        if (stops == null || stops.isEmpty()) {
            return tokens;
        }
        String full = String.join("", tokens);
        int cut = -1;
        for (String stop : stops) {
            int at = full.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut < 0) {
            return tokens;
        }
        List<String> kept = new ArrayList<>();
        int position = 0;
        for (String token : tokens) {
            if (position + token.length() <= cut) {
                kept.add(token);
            } else {
                if (position < cut) {
                    kept.add(token.substring(0, cut - position));
                }
                break;
            }
            position += token.length();
        }
        return kept;
    }

    private static float[] vector(String input, int fullDimension, int dimension) {
        SplittableRandom random = new SplittableRandom(fnv1a(input));
        float[] full = new float[fullDimension];
        for (int i = 0; i < fullDimension; i++) {
            full[i] = (float) random.nextGaussian();
        }
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = full[i];
            norm += (double) v[i] * v[i];
        }
        double scale = norm == 0 ? 0 : 1.0 / Math.sqrt(norm);
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (v[i] * scale);
        }
        return v;
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private void pause(Duration base, double jitter) {
        if (base.isZero()) {
            return;
        }
        long nanos = base.toNanos();
        if (jitter > 0) {
            nanos = (long) (nanos * (1.0 + jitter * (ThreadLocalRandom.current().nextDouble() * 2 - 1)));
        }
        try {
            Thread.sleep(Duration.ofNanos(Math.max(0, nanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, id(), "simulator interrupted (shutting down)");
        }
    }
}
