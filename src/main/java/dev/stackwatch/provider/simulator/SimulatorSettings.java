package dev.stackwatch.provider.simulator;

import dev.stackwatch.config.ConfigNode;
import java.time.Duration;
import java.util.Set;

/**
 * How one simulated model behaves. Provider-level values in {@code config} are defaults; a model's {@code metadata}
 * overrides them with the same keys.
 */
record SimulatorSettings(Duration timeToFirstToken, Duration interTokenDelay, double jitter, double errorRate,
                         Duration loadTime, int embeddingDimension, int minTokens, int maxTokens) {

    static final SimulatorSettings BUILT_IN = new SimulatorSettings(Duration.ofMillis(80), Duration.ofMillis(20), 0.2,
            0.0, Duration.ZERO, 384, 16, 64);

    /** Every key {@link #read} understands, in the provider's {@code config} as in a model's {@code metadata}. */
    static final Set<String> KEYS = Set.of("ttft_ms", "inter_token_ms", "jitter", "error_rate", "load_time_ms",
            "embedding_dimension", "min_tokens", "max_tokens");

    static SimulatorSettings read(ConfigNode node, SimulatorSettings defaults) {
        int minTokens = node.integer("min_tokens", defaults.minTokens(), 1, 100_000);
        int maxTokens = node.integer("max_tokens", Math.max(minTokens, defaults.maxTokens()), minTokens, 100_000);
        return new SimulatorSettings(
                node.millis("ttft_ms", defaults.timeToFirstToken()),
                node.millis("inter_token_ms", defaults.interTokenDelay()),
                node.number("jitter", defaults.jitter(), 0.0, 1.0),
                node.number("error_rate", defaults.errorRate(), 0.0, 1.0),
                node.millis("load_time_ms", defaults.loadTime()),
                node.integer("embedding_dimension", defaults.embeddingDimension(), 1, 65_536),
                minTokens,
                maxTokens);
    }
}
