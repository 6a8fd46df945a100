package dev.stackwatch.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.provider.http.UpstreamFailure;

/**
 * Turns streamed OpenAI chunks into tokens and tool-call pieces for the sink and, at the end, the whole
 * {@link Completion}.
 */
final class StreamAccumulator {
    private final TokenSink sink;
    private final StringBuilder text = new StringBuilder();
    private FinishReason finishReason;
    private Usage usage;
    private int pieces;

    StreamAccumulator(TokenSink sink) {
        this.sink = sink;
    }

    void accept(ChunkScanner.Chunk chunk) {
        if (chunk.error != null) {
            JsonNode error = chunk.error;
            throw UpstreamFailure.badResponse("upstream reported an error mid-stream: "
                    + (error.path("message").isTextual() ? error.get("message").asText() : error.toString()), null);
        }
        if (chunk.hasChoice) {
            String piece = chunk.piece();
            if (!piece.isEmpty()) {
                text.append(piece);
                pieces++;
                sink.token(piece);
            }
            if (chunk.toolCalls != null && !chunk.toolCalls.isEmpty()) {
                pieces++;
                sink.toolCalls(chunk.toolCalls);
            }
            if (chunk.finishReason != null) {
                finishReason = FinishReason.fromWire(chunk.finishReason);
            }
        }
        if (chunk.usage != null) {
            usage = chunk.usage;
        }
    }

    /**
     * The completion once the stream ended. A stream that ends without a finish reason was cut off, which is a bad
     * upstream response, not a short answer. Without reported usage, each streamed piece counts as one token (vLLM and
     * OpenAI send one token per chunk).
     */
    Completion completion() {
        if (finishReason == null) {
            throw UpstreamFailure.badResponse("upstream stream ended without a finish_reason", null);
        }
        return new Completion(text.toString(), finishReason, usage != null ? usage : new Usage(0, pieces));
    }
}
