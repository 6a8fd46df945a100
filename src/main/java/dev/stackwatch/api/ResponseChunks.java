package dev.stackwatch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.FinishReason;
import java.util.function.Function;

/**
 * The JSON of one streamed response's text chunks and closing chunk, spliced from its kind's {@link ChunkTemplates}:
 * the same bytes the mapper would write for {@code format.delta(text, first)} and {@code format.finish(reason)}.
 */
final class ResponseChunks {
    private final ObjectMapper json;
    private final ResponseFormat format;
    /** With the text as their one hole; null: through the mapper. */
    private final JsonHoles first;
    private final JsonHoles later;
    /** The closing chunk for a reason, or null: through the mapper. */
    private final Function<FinishReason, byte[]> finishes;

    ResponseChunks(ObjectMapper json, ResponseFormat format, JsonHoles first, JsonHoles later,
                   Function<FinishReason, byte[]> finishes) {
        this.json = json;
        this.format = format;
        this.first = first;
        this.later = later;
        this.finishes = finishes;
    }

    /** The JSON of {@code format.delta(text, first)}. */
    byte[] delta(String text, boolean first) {
        JsonHoles around = first ? this.first : later;
        byte[] escaped = ChunkTemplates.escapedOrNull(text);
        if (around == null || escaped == null) {
            return JsonResponses.encode(json, format.delta(text, first));
        }
        return around.with(escaped);
    }

    /** The JSON of {@code format.finish(reason)}. */
    byte[] finish(FinishReason reason) {
        byte[] spliced = finishes.apply(reason);
        return spliced != null ? spliced : JsonResponses.encode(json, format.finish(reason));
    }
}
