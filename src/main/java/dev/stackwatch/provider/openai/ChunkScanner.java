package dev.stackwatch.provider.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.wire.ByteSlice;
import java.io.IOException;

/**
 * Reads what a streamed OpenAI chunk, or a whole answer, tells the relay (its error, first choice's text, tool calls or
 * tool-call pieces and finish reason, and usage) in one pass over the parser's tokens. Building each chunk's whole JSON
 * tree cost more than any other step of reading it; only the rare parts a caller keeps as JSON (tool calls, usage, an
 * error) become trees. Reads like {@code readTree} would: the mapper's limits apply, trailing tokens are refused.
 * <p>
 * Except that a repeated key is not refused: the last one counts, as it does for the OpenAI SDKs reading the upstream
 * directly. The mapper refuses repeats so that Stackwatch and a server behind it cannot read one request two ways;
 * here nothing read is passed on as it came (the client gets Stackwatch's own encoding of what was read), so there is
 * nothing to disagree about, and the check (a hash set per object of more than a few keys) was a fifth of the
 * scanner's samples in the relay's profile.
 */
final class ChunkScanner {
    /** One chunk's facts; {@code *Present} says whether a text field was there at all, even as null. */
    static final class Chunk {
        JsonNode error;
        boolean hasChoice;
        boolean messageContentPresent;
        String messageContent;
        boolean deltaContentPresent;
        String deltaContent;
        boolean textPresent;
        String text;
        /** A delta's tool-call pieces. */
        JsonNode toolCalls;
        /** A whole answer's tool calls, from its message. */
        JsonNode messageToolCalls;
        String finishReason;
        /** The token counts of a usage object; null when the chunk had none. */
        Usage usage;
        /** Where a delta's content text lies in the chunk's bytes, between its quotes; -1 when not a string. */
        int deltaTextFrom = -1;
        int deltaTextTo = -1;

        /** A chunk that is a text delta and nothing else. */
        static Chunk textDelta(String text) {
            Chunk chunk = new Chunk();
            chunk.hasChoice = true;
            chunk.deltaContentPresent = true;
            chunk.deltaContent = text;
            return chunk;
        }

        /** Whether this chunk tells nothing but a delta's text, and where that text lies is known. */
        boolean isTextDeltaOnly() {
            return hasChoice && deltaTextFrom >= 0 && error == null && !messageContentPresent && !textPresent
                    && toolCalls == null && messageToolCalls == null && finishReason == null && usage == null;
        }

        /** The choice's text: its message's content, else its delta's, else its {@code text} (a text completion's). */
        String piece() {
            String s = messageContentPresent ? messageContent : deltaContentPresent ? deltaContent : text;
            return s == null ? "" : s;
        }
    }

    private ChunkScanner() {
    }

    /** Reads {@code data} in place; the text offsets of the chunk it returns count from the slice's start. */
    static Chunk scan(ObjectMapper json, ByteSlice data) throws IOException {
        JsonParser parser = json.createParser(data.array(), data.from(), data.length());
        parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return scan(json, parser);
    }

    private static Chunk scan(ObjectMapper json, JsonParser parser) throws IOException {
        Chunk chunk = new Chunk();
        try (JsonParser p = parser) {
            JsonToken root = p.nextToken();
            if (root == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (name) {
                        case "error" -> chunk.error = trees(json).readTree(p);
                        case "usage" -> chunk.usage = value == JsonToken.START_OBJECT ? usage(p) : skip(p);
                        case "choices" -> choices(p, value, chunk, json);
                        default -> p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                throw new IOException("trailing tokens after the chunk");
            }
        }
        return chunk;
    }

    /** Only the first choice counts, as {@code choices[0]} does for a tree. */
    private static void choices(JsonParser p, JsonToken value, Chunk chunk, ObjectMapper json)
            throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        JsonToken first = p.nextToken();
        if (first == JsonToken.END_ARRAY) {
            return;
        }
        chunk.hasChoice = true;
        if (first == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "message" -> message(p, v, chunk, false, json);
                    case "delta" -> message(p, v, chunk, true, json);
                    case "text" -> {
                        chunk.textPresent = true;
                        chunk.text = v == JsonToken.VALUE_STRING ? p.getText() : skipToNull(p);
                    }
                    case "finish_reason" -> chunk.finishReason = v == JsonToken.VALUE_STRING ? p.getText()
                            : skipToNull(p);
                    default -> p.skipChildren();
                }
            }
        } else {
            p.skipChildren();
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
    }

    /** A choice's {@code message} or {@code delta}: its content, and its tool calls or a delta's pieces of them. */
    private static void message(JsonParser p, JsonToken value, Chunk chunk, boolean delta, ObjectMapper json)
            throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("content")) {
                long start = delta && v == JsonToken.VALUE_STRING ? p.currentTokenLocation().getByteOffset() : -1;
                String content = v == JsonToken.VALUE_STRING ? p.getText() : skipToNull(p);
                if (delta) {
                    chunk.deltaContentPresent = true;
                    chunk.deltaContent = content;
                    // The token starts at the opening quote; reading the text moved the parser past the closing one.
                    chunk.deltaTextFrom = start < 0 ? -1 : (int) start + 1;
                    chunk.deltaTextTo = start < 0 ? -1 : (int) p.currentLocation().getByteOffset() - 1;
                } else {
                    chunk.messageContentPresent = true;
                    chunk.messageContent = content;
                }
            } else if (name.equals("tool_calls") && v == JsonToken.START_ARRAY) {
                JsonNode calls = trees(json).readTree(p);
                if (delta) {
                    chunk.toolCalls = calls;
                } else {
                    chunk.messageToolCalls = calls;
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /**
     * A usage object's token counts, read in place: every whole answer and the last chunk of a stream have one, and
     * building it as a tree to read two numbers was about a tenth of the scanner's samples.
     */
    private static Usage usage(JsonParser p) throws IOException {
        int prompt = 0;
        int completion = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = asInt(p, value);
                case "completion_tokens" -> completion = asInt(p, value);
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion);
    }

    /**
     * A value as {@code JsonNode.asInt(0)} reads its node: a number cut to an int, numeric text parsed, true as 1,
     * anything else 0.
     */
    private static int asInt(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> p.getIntValue();
                case LONG -> (int) p.getLongValue();
                default -> p.getBigIntegerValue().intValue();
            };
            case VALUE_NUMBER_FLOAT -> (int) p.getDoubleValue();
            case VALUE_STRING -> NumberInput.parseAsInt(p.getText(), 0);
            case VALUE_TRUE -> 1;
            default -> {
                p.skipChildren();
                yield 0;
            }
        };
    }

    /**
     * Reads a subtree at the parser's position. Subtrees end inside the chunk: the trailing-token check belongs to the
     * chunk as a whole. Made only for the few chunks that have one, not for every chunk.
     */
    private static ObjectReader trees(ObjectMapper json) {
        return json.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private static <T> T skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static String skipToNull(JsonParser p) throws IOException {
        return skip(p);
    }
}
