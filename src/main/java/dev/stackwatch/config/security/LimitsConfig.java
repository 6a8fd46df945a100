package dev.stackwatch.config.security;

import dev.stackwatch.wire.Json;
import java.time.Duration;

/**
 * {@code server.limits}: what one client may ask of the server. Defaults are safe for a public port yet far above what
 * a real OpenAI client sends; {@code requestsPerSecond} 0 means no rate limit.
 */
public record LimitsConfig(int maxHeaderBytes, int maxMessages, int maxTokens, double requestsPerSecond, int burst,
                           int maxConcurrentStreams, Duration readTimeout, int maxConnections, int maxJsonDepth,
                           int maxEmbeddingInputs, int maxEmbeddingInputChars) {
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_MESSAGES = 2_048;
    public static final int DEFAULT_MAX_TOKENS = 1_000_000;
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 10_000;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    /** OpenAI's own cap on inputs per embeddings request. */
    /** Deeper JSON than this is refused before it is built into a tree (server.limits.max_json_depth). */
    public static final int DEFAULT_MAX_JSON_DEPTH = Json.DEFAULT_MAX_NESTING_DEPTH;
    public static final int DEFAULT_MAX_EMBEDDING_INPUTS = 2_048;
    /**
     * About 250,000 tokens, under OpenAI's 300,000 per request. The answer grows with inputs x dimension, not with
     * this, so the input count is the cap that bounds memory; this one bounds the work of reading the inputs.
     */
    public static final int DEFAULT_MAX_EMBEDDING_INPUT_CHARS = 1_000_000;

    public static final LimitsConfig DEFAULT = new LimitsConfig(DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_MESSAGES,
            DEFAULT_MAX_TOKENS, 0, 1, DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
            DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_EMBEDDING_INPUTS, DEFAULT_MAX_EMBEDDING_INPUT_CHARS);

    public boolean rateLimited() {
        return requestsPerSecond > 0;
    }
}
