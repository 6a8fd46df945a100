package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of a generation: the whole text (also for streams), why it ended, token counts, and the tool calls the
 * model made, in OpenAI's shape ({@code [{id, type, function: {name, arguments}}]}), or null when it made none. A
 * stream's tool calls reach the client as they are generated (see {@link TokenSink#toolCalls}), so they are not
 * collected here.
 */
public record Completion(String text, FinishReason finishReason, Usage usage, JsonNode toolCalls) {
    public Completion(String text, FinishReason finishReason, Usage usage) {
        this(text, finishReason, usage, null);
    }
}
