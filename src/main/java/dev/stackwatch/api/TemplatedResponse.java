package dev.stackwatch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;
import java.io.ByteArrayOutputStream;

/**
 * The JSON of one response, spliced from its kind's {@link ResponseTemplates}: the same bytes the mapper writes for
 * {@code format.whole(completion)}, {@code format.delta(text, first)} and {@code format.finish(reason)}.
 */
final class TemplatedResponse {
    private final ObjectMapper json;
    private final ResponseFormat format;
    private final ResponseTemplates.Shapes shapes;
    /** The response's id, time and model, indexed by hole; null when its id or model cannot be spliced. */
    private final byte[][] values;
    /**
     * The first delta and the later ones with the text as their one hole, each made when first needed: a whole answer
     * needs neither. Tokens come one at a time; should two threads ever make one at once, each gets the same immutable
     * result.
     */
    private final JsonHoles[] deltas = new JsonHoles[2];

    TemplatedResponse(ObjectMapper json, ResponseFormat format, ResponseTemplates.Shapes shapes) {
        this.json = json;
        this.format = format;
        this.shapes = shapes;
        byte[] id = ResponseTemplates.escapedOrNull(format.id());
        byte[] model = ResponseTemplates.escapedOrNull(format.model());
        if (id == null || model == null) {
            this.values = null;
        } else {
            this.values = new byte[ResponseTemplates.HOLES][];
            values[ResponseTemplates.ID_HOLE] = id;
            values[ResponseTemplates.CREATED_HOLE] = ResponseTemplates.digits(format.created());
            values[ResponseTemplates.MODEL_HOLE] = model;
        }
    }

    /** The JSON of {@code format.whole(completion)}. */
    byte[] whole(Completion completion) {
        JsonHoles shape = values == null || completion.toolCalls() != null ? null
                : shapes.wholes().get(completion.finishReason());
        byte[] text = ResponseTemplates.escapedOrNull(completion.text());
        if (shape == null || text == null) {
            return JsonResponses.encode(json, format.whole(completion));
        }
        byte[][] filled = values.clone();
        Usage usage = completion.usage();
        filled[ResponseTemplates.TEXT_HOLE] = text;
        filled[ResponseTemplates.PROMPT_TOKENS_HOLE] = ResponseTemplates.digits(usage.promptTokens());
        filled[ResponseTemplates.COMPLETION_TOKENS_HOLE] = ResponseTemplates.digits(usage.completionTokens());
        filled[ResponseTemplates.TOTAL_TOKENS_HOLE] = ResponseTemplates.digits(usage.totalTokens());
        return shape.fill(filled).bytes();
    }

    /**
     * Writes the JSON of {@code format.delta(text, first)} to {@code out}. Nothing is written when encoding fails, so
     * no partial event is left behind.
     */
    void writeDelta(String text, boolean first, ByteArrayOutputStream out) {
        JsonHoles around = boundDelta(first);
        byte[] escaped = ResponseTemplates.escapedOrNull(text);
        if (around == null || escaped == null) {
            out.writeBytes(JsonResponses.encode(json, format.delta(text, first)));
        } else {
            around.writeWith(escaped, out);
        }
    }

    /** The JSON of {@code format.finish(reason)}. */
    byte[] finish(FinishReason reason) {
        JsonHoles shape = values == null ? null : shapes.finishes().get(reason);
        return shape == null ? JsonResponses.encode(json, format.finish(reason)) : shape.fill(values).bytes();
    }

    private JsonHoles boundDelta(boolean first) {
        int which = first ? 0 : 1;
        JsonHoles shape = first ? shapes.firstDelta() : shapes.laterDelta();
        if (deltas[which] == null && values != null && shape != null) {
            deltas[which] = shape.fill(values);
        }
        return deltas[which];
    }
}
