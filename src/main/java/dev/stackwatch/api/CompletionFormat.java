package dev.stackwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.api.Payloads.TextChoice;
import dev.stackwatch.api.Payloads.TextCompletion;
import dev.stackwatch.api.Payloads.UsageBody;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;
import java.util.List;

/** {@code text_completion} objects, whole or streamed (OpenAI streams the same object type). */
record CompletionFormat(String id, long created, String model) implements ResponseFormat {
    @Override
    public Object whole(Completion c) {
        return text(List.of(new TextChoice(c.text(), 0, c.finishReason().wire(), null)), UsageBody.of(c.usage()));
    }

    @Override
    public Object delta(String text, boolean first) {
        return text(List.of(new TextChoice(text, 0, null, null)), null);
    }

    /** Text completions have no tool calls on the wire; a model that makes one anyway adds no text. */
    @Override
    public Object toolCallDelta(JsonNode deltas, boolean first) {
        return delta("", first);
    }

    @Override
    public Object finish(FinishReason reason) {
        return text(List.of(new TextChoice("", 0, reason.wire(), null)), null);
    }

    @Override
    public Object usage(Usage usage) {
        return text(List.of(), UsageBody.of(usage));
    }

    private TextCompletion text(List<TextChoice> choices, UsageBody usage) {
        return new TextCompletion(id, "text_completion", created, model, choices, usage);
    }
}
