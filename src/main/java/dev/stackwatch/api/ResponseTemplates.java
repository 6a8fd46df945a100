package dev.stackwatch.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON every response of one kind (chat or text completion) repeats, encoded once. A whole answer, a text chunk
 * and the closing chunk for each finish reason are the same JSON in every response but for the response's id, creation
 * time and model, the text and the token counts. So the mapper writes each of them once, with markers in those fields;
 * a response's JSON is the bytes between the markers with its own values, escaped, in their place. Before, every
 * response went through the mapper: 3.8 % of a whole answer's CPU samples, and 6.9 % of a streamed one's (which had it
 * write two deltas and its closing chunk). The format stays the one description of the shape: should a marker not
 * come out exactly once, that JSON goes through the mapper as before, as does a value the encoder would escape
 * differently from the mapper (text outside the BMP) and an answer with tool calls.
 */
final class ResponseTemplates {
    /** The format of one response of this kind; a record constructor such as {@code ChatFormat::new}. */
    interface Kind {
        ResponseFormat format(String id, long created, String model);
    }

    // Control characters: the mapper escapes them, so a marker cannot be confused with anything else the shape holds.
    private static final String ID = "\u0001stackwatch-id\u0001";
    private static final String MODEL = "\u0001stackwatch-model\u0001";
    private static final String TEXT = "\u0001stackwatch-text\u0001";
    // Numbers no response has, whose digits occur nowhere else in a shape whose other fields are markers.
    private static final long CREATED = Long.MIN_VALUE;
    private static final Usage TOKENS = new Usage(987_654_321, 123_456_789);
    /** The markers' numbers in {@link JsonHoles}: their places in {@link #markers}. */
    static final int ID_HOLE = 0;
    static final int CREATED_HOLE = 1;
    static final int MODEL_HOLE = 2;
    static final int TEXT_HOLE = 3;
    static final int PROMPT_TOKENS_HOLE = 4;
    static final int COMPLETION_TOKENS_HOLE = 5;
    static final int TOTAL_TOKENS_HOLE = 6;
    static final int HOLES = TOTAL_TOKENS_HOLE + 1;

    private final ObjectMapper json;
    private final Kind kind;
    /**
     * Made by the first response rather than at start-up, where its first encodings would delay the listeners. Two
     * responses that start together may both make it; either result is the same.
     */
    private volatile Shapes shapes;

    /** Each shape is null where it did not show each of its markers once. */
    record Shapes(JsonHoles firstDelta, JsonHoles laterDelta, Map<FinishReason, JsonHoles> finishes,
                  Map<FinishReason, JsonHoles> wholes) {
    }

    private ResponseTemplates(ObjectMapper json, Kind kind) {
        this.json = json;
        this.kind = kind;
    }

    static ResponseTemplates of(ObjectMapper json, Kind kind) {
        return new ResponseTemplates(json, kind);
    }

    /** The JSON of one response, whose format {@code format} is (of this kind). */
    TemplatedResponse forResponse(ResponseFormat format) {
        return new TemplatedResponse(json, format, shapes());
    }

    Shapes shapes() {
        Shapes made = shapes;
        if (made == null) {
            ResponseFormat marked = kind.format(ID, CREATED, MODEL);
            List<byte[]> markers = List.of(escaped(ID), digits(CREATED), escaped(MODEL), escaped(TEXT),
                    digits(TOKENS.promptTokens()), digits(TOKENS.completionTokens()), digits(TOKENS.totalTokens()));
            List<byte[]> chunk = markers.subList(0, TEXT_HOLE + 1);
            List<byte[]> closing = markers.subList(0, TEXT_HOLE);
            Map<FinishReason, JsonHoles> finishes = new EnumMap<>(FinishReason.class);
            Map<FinishReason, JsonHoles> wholes = new EnumMap<>(FinishReason.class);
            for (FinishReason reason : FinishReason.values()) {
                putIfCut(finishes, reason, JsonResponses.encode(json, marked.finish(reason)), closing);
                putIfCut(wholes, reason, JsonResponses.encode(json, marked.whole(new Completion(TEXT, reason, TOKENS))),
                        markers);
            }
            made = new Shapes(JsonHoles.cut(JsonResponses.encode(json, marked.delta(TEXT, true)), chunk),
                    JsonHoles.cut(JsonResponses.encode(json, marked.delta(TEXT, false)), chunk), finishes, wholes);
            shapes = made;
        }
        return made;
    }

    private static void putIfCut(Map<FinishReason, JsonHoles> shapes, FinishReason reason, byte[] encoded,
                                 List<byte[]> markers) {
        JsonHoles cut = JsonHoles.cut(encoded, markers);
        if (cut != null) {
            shapes.put(reason, cut);
        }
    }

    /** What the mapper writes between a string's quotes, when the encoder writes the same (no surrogates). */
    static byte[] escapedOrNull(String text) {
        return text == null || hasSurrogate(text) ? null : JsonStringEncoder.getInstance().quoteAsUTF8(text);
    }

    private static byte[] escaped(String marker) {
        return JsonStringEncoder.getInstance().quoteAsUTF8(marker);
    }

    static byte[] digits(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The mapper writes characters outside the BMP (emoji) as escaped surrogate pairs and a lone surrogate escaped,
     * where the encoder writes UTF-8 or refuses: such text, rare in a token, takes the mapper's way.
     */
    private static boolean hasSurrogate(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
