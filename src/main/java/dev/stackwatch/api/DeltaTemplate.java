package dev.stackwatch.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;

/**
 * The text chunks of one streamed response, encoded once. Every delta of a response is the same JSON but for its text,
 * so the mapper writes the format's delta once with a marker for the text, and each token is the bytes around the
 * marker with the token's escaped text between them. Turning every token into records and running them through the
 * mapper was the largest share of a streamed answer's JSON work. The format stays the one description of the shape:
 * should the marker not come out exactly once, every delta goes through the mapper as before.
 */
final class DeltaTemplate {
    /** Control characters: the mapper escapes them, so the marker cannot be confused with an id or a model name. */
    private static final String MARK = "\u0001stackwatch-delta\u0001";

    private final ObjectMapper json;
    private final ResponseFormat format;
    /** Before and after the text, for the first delta (which names the role) and the others; null: no template. */
    private final byte[][] first;
    private final byte[][] later;

    private DeltaTemplate(ObjectMapper json, ResponseFormat format, byte[][] first, byte[][] later) {
        this.json = json;
        this.format = format;
        this.first = first;
        this.later = later;
    }

    static DeltaTemplate of(ObjectMapper json, ResponseFormat format) {
        byte[] mark = JsonStringEncoder.getInstance().quoteAsUTF8(MARK);
        byte[][] first = split(JsonResponses.encode(json, format.delta(MARK, true)), mark);
        byte[][] later = split(JsonResponses.encode(json, format.delta(MARK, false)), mark);
        return first != null && later != null ? new DeltaTemplate(json, format, first, later)
                : new DeltaTemplate(json, format, null, null);
    }

    /** Whether deltas are spliced; false when the format's delta did not show the marker exactly once. */
    boolean templated() {
        return first != null;
    }

    /** The JSON of {@code format.delta(text, first)}: the same bytes the mapper would write. */
    byte[] encode(String text, boolean first) {
        byte[][] around = first ? this.first : later;
        if (around == null || text == null || hasSurrogate(text)) {
            return JsonResponses.encode(json, format.delta(text, first));
        }
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] event = Arrays.copyOf(around[0], around[0].length + escaped.length + around[1].length);
        System.arraycopy(escaped, 0, event, around[0].length, escaped.length);
        System.arraycopy(around[1], 0, event, around[0].length + escaped.length, around[1].length);
        return event;
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

    /** The bytes before and after the only occurrence of {@code mark}, or null when it occurs zero or several times. */
    private static byte[][] split(byte[] encoded, byte[] mark) {
        int at = indexOf(encoded, mark, 0);
        if (at < 0 || indexOf(encoded, mark, at + 1) >= 0) {
            return null;
        }
        return new byte[][] {Arrays.copyOfRange(encoded, 0, at),
                Arrays.copyOfRange(encoded, at + mark.length, encoded.length)};
    }

    private static int indexOf(byte[] bytes, byte[] part, int from) {
        outer:
        for (int i = from; i <= bytes.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
