package dev.stackwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.api.Payloads.ChatChoice;
import dev.stackwatch.api.Payloads.ChatChunk;
import dev.stackwatch.api.Payloads.ChatCompletion;
import dev.stackwatch.api.Payloads.ChunkChoice;
import dev.stackwatch.api.Payloads.Delta;
import dev.stackwatch.api.Payloads.Message;
import dev.stackwatch.api.Payloads.UsageBody;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;
import java.util.List;

/** {@code chat.completion} and {@code chat.completion.chunk} objects for one response. */
record ChatFormat(String id, long created, String model) implements ResponseFormat {
    @Override
    public Object whole(Completion c) {
        return new ChatCompletion(id, "chat.completion", created, model,
                List.of(new ChatChoice(0, new Message("assistant",
                        c.toolCalls() != null && c.text().isEmpty() ? null : c.text(), c.toolCalls()),
                        c.finishReason().wire(), null)),
                UsageBody.of(c.usage()));
    }

    @Override
    public Object delta(String text, boolean first) {
        return chunk(List.of(new ChunkChoice(0, new Delta(first ? "assistant" : null, text, null), null)), null);
    }

    @Override
    public Object toolCallDelta(JsonNode deltas, boolean first) {
        return chunk(List.of(new ChunkChoice(0, new Delta(first ? "assistant" : null, null, deltas), null)), null);
    }

    @Override
    public Object finish(FinishReason reason) {
        return chunk(List.of(new ChunkChoice(0, new Delta(null, null, null), reason.wire())), null);
    }

    @Override
    public Object usage(Usage usage) {
        return chunk(List.of(), UsageBody.of(usage));
    }

    private ChatChunk chunk(List<ChunkChoice> choices, UsageBody usage) {
        return new ChatChunk(id, "chat.completion.chunk", created, model, choices, usage);
    }
}
