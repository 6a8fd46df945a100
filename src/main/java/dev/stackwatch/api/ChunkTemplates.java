package dev.stackwatch.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.FinishReason;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The chunks every streamed response of one kind (chat or text completion) repeats, encoded once. A text chunk, and
 * the closing chunk for each finish reason, are the same JSON in every response but for the response's id, creation
 * time and model, and the chunk's text. So the mapper writes each of them once, with markers in those fields; a
 * response fills in its id, time and model ({@link #forResponse}), and each token is the bytes around the text's
 * marker with the token's escaped text between them. Before, every response had the mapper write two deltas and its
 * closing chunk, about 6 % of a streamed answer's CPU. The format stays the one description of the shape: should a
 * marker not come out exactly once, that chunk goes through the mapper as before.
 */
final class ChunkTemplates {
    /** The format of one response of this kind; a record constructor such as {@code ChatFormat::new}. */
    interface Kind {
        ResponseFormat format(String id, long created, String model);
    }

    // Control characters: the mapper escapes them, so a marker cannot be confused with anything else the shape holds.
    private static final String ID = "\u0001stackwatch-id\u0001";
    private static final String MODEL = "\u0001stackwatch-model\u0001";
    private static final String TEXT = "\u0001stackwatch-text\u0001";
    /** A time no response has: its digits occur nowhere else in a chunk whose other fields are markers. */
    private static final long CREATED = Long.MIN_VALUE;
    /** The markers' numbers in {@link JsonHoles}. */
    private static final int ID_HOLE = 0;
    private static final int CREATED_HOLE = 1;
    private static final int MODEL_HOLE = 2;
    private static final int TEXT_HOLE = 3;

    private final ObjectMapper json;
    private final Kind kind;
    /**
     * Made by the first stream rather than at start-up, where its dozen first encodings would delay the listeners.
     * Two streams that start together may both make it; either result is the same.
     */
    private volatile Shapes shapes;

    /** The encoded shapes, each null where it did not show each of its markers once. */
    private record Shapes(JsonHoles first, JsonHoles later, Map<FinishReason, JsonHoles> finishes) {
    }

    private ChunkTemplates(ObjectMapper json, Kind kind) {
        this.json = json;
        this.kind = kind;
    }

    static ChunkTemplates of(ObjectMapper json, Kind kind) {
        return new ChunkTemplates(json, kind);
    }

    /** Whether text chunks are spliced; false when the format's delta did not show each marker exactly once. */
    boolean templated() {
        return shapes().first() != null && shapes().later() != null;
    }

    /** The chunks of one response, whose format {@code format} is (of this kind). */
    ResponseChunks forResponse(ResponseFormat format) {
        Shapes shapes = shapes();
        byte[] id = escapedOrNull(format.id());
        byte[] model = escapedOrNull(format.model());
        if (id == null || model == null) {
            return new ResponseChunks(json, format, null, null, reason -> null);
        }
        byte[] created = digits(format.created());
        return new ResponseChunks(json, format, bind(shapes.first(), id, created, model),
                bind(shapes.later(), id, created, model), reason -> {
                    JsonHoles finish = shapes.finishes().get(reason);
                    return finish == null ? null : bind(finish, id, created, model).bytes();
                });
    }

    private Shapes shapes() {
        Shapes made = shapes;
        if (made == null) {
            ResponseFormat marked = kind.format(ID, CREATED, MODEL);
            List<byte[]> withText = List.of(escaped(ID), digits(CREATED), escaped(MODEL), escaped(TEXT));
            List<byte[]> withoutText = withText.subList(0, TEXT_HOLE);
            Map<FinishReason, JsonHoles> finishes = new EnumMap<>(FinishReason.class);
            for (FinishReason reason : FinishReason.values()) {
                JsonHoles finish = JsonHoles.cut(JsonResponses.encode(json, marked.finish(reason)), withoutText);
                if (finish != null) {
                    finishes.put(reason, finish);
                }
            }
            made = new Shapes(JsonHoles.cut(JsonResponses.encode(json, marked.delta(TEXT, true)), withText),
                    JsonHoles.cut(JsonResponses.encode(json, marked.delta(TEXT, false)), withText), finishes);
            shapes = made;
        }
        return made;
    }

    private static JsonHoles bind(JsonHoles shape, byte[] id, byte[] created, byte[] model) {
        return shape == null ? null : shape.fill(ID_HOLE, id).fill(CREATED_HOLE, created).fill(MODEL_HOLE, model);
    }

    /** What the mapper writes between a string's quotes, when the encoder writes the same (no surrogates). */
    static byte[] escapedOrNull(String text) {
        return text == null || hasSurrogate(text) ? null : JsonStringEncoder.getInstance().quoteAsUTF8(text);
    }

    private static byte[] escaped(String marker) {
        return JsonStringEncoder.getInstance().quoteAsUTF8(marker);
    }

    private static byte[] digits(long value) {
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
