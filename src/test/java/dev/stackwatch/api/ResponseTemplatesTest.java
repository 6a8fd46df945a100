package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.wire.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The spliced JSON is byte for byte what the mapper writes for the format, whatever the text, model or counts. */
class ResponseTemplatesTest {
    private final ObjectMapper json = Json.newMapper();

    @Test
    void everyFormatsChunksAreSplicedAndMatchTheMapper() throws Exception {
        for (ResponseTemplates.Kind kind : List.<ResponseTemplates.Kind>of(ChatFormat::new, CompletionFormat::new)) {
            ResponseTemplates templates = ResponseTemplates.of(json, kind);
            ResponseTemplates.Shapes shapes = templates.shapes();
            assertTrue(shapes.firstDelta() != null && shapes.laterDelta() != null, kind + " deltas are spliced");
            assertEquals(Set.of(FinishReason.values()), shapes.finishes().keySet(), kind + " closing chunks");
            assertEquals(Set.of(FinishReason.values()), shapes.wholes().keySet(), kind + " whole answers");
            for (ResponseFormat format : List.of(kind.format("chatcmpl-1a2b", 1_795_000_000L, "llama-3.2-3b"),
                    kind.format("cmpl-1a2b", 0L, "ünïcode/model \"quoted\"\n"),
                    kind.format("x", -1L, "\u0001stackwatch-text\u0001"),
                    kind.format("\u0001stackwatch-model\u0001", Long.MAX_VALUE, "\u0001stackwatch-id\u0001"),
                    kind.format("id", Long.MIN_VALUE, "emoji 🦙 model"))) {
                assertSplicedAsTheMapperWrites(templates.forResponse(format), format);
            }
        }
    }

    @Test
    void aShapeThatRepeatsAFieldGoesThroughTheMapper() throws Exception {
        ResponseTemplates templates = ResponseTemplates.of(json, ModelTwice::new);
        assertNull(templates.shapes().firstDelta(), "the model's marker shows twice");
        assertEquals(Map.of(), templates.shapes().wholes());
        ResponseFormat format = new ModelTwice("id-1", 7L, "m");
        assertSplicedAsTheMapperWrites(templates.forResponse(format), format);
    }

    private void assertSplicedAsTheMapperWrites(TemplatedResponse response, ResponseFormat format) throws Exception {
        List<String> texts = texts();
        for (String text : texts) {
            for (boolean first : new boolean[] {true, false}) {
                assertArrayEquals(json.writeValueAsBytes(format.delta(text, first)), delta(response, text, first),
                        () -> format + " " + first + " " + escapeForMessage(text));
            }
        }
        Random random = new Random(7);
        for (FinishReason reason : FinishReason.values()) {
            assertArrayEquals(json.writeValueAsBytes(format.finish(reason)), response.finish(reason),
                    () -> format + " " + reason);
            for (String text : texts.subList(0, 40)) {
                for (Usage usage : List.of(new Usage(0, 0), new Usage(random.nextInt(100_000), random.nextInt(4096)),
                        new Usage(987_654_321, 123_456_789), new Usage(-1, Integer.MAX_VALUE))) {
                    Completion completion = new Completion(text, reason, usage);
                    assertArrayEquals(json.writeValueAsBytes(format.whole(completion)), response.whole(completion),
                            () -> format + " " + reason + " " + usage + " " + escapeForMessage(text));
                }
            }
        }
        Completion toolCall = new Completion("", FinishReason.TOOL_CALLS, new Usage(3, 4), json.readTree(
                "[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]"));
        assertArrayEquals(json.writeValueAsBytes(format.whole(toolCall)), response.whole(toolCall), "tool calls");
    }

    /** The delta as {@link TemplatedResponse#writeDelta} appends it to a batch that already holds an event. */
    private static byte[] delta(TemplatedResponse response, String text, boolean first) {
        byte[] before = "data: {}\n\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        batch.writeBytes(before);
        response.writeDelta(text, first, batch);
        byte[] all = batch.toByteArray();
        assertArrayEquals(before, Arrays.copyOf(all, before.length), "what the batch held stays");
        return Arrays.copyOfRange(all, before.length, all.length);
    }

    /** A format whose chunks name the model twice. */
    private record ModelTwice(String id, long created, String model) implements ResponseFormat {
        @Override
        public Object whole(Completion completion) {
            return Map.of();
        }

        @Override
        public Object delta(String text, boolean first) {
            return Map.of("id", id, "created", created, "model", model, "served_by", model, "text", text);
        }

        @Override
        public Object toolCallDelta(JsonNode deltas, boolean first) {
            return Map.of();
        }

        @Override
        public Object finish(FinishReason reason) {
            return Map.of("id", id, "created", created, "model", model, "again", model, "finish", reason.wire());
        }

        @Override
        public Object usage(Usage usage) {
            return Map.of();
        }
    }

    /**
     * Plain words, every escape JSON has, every control character, line separators, emoji, halves of surrogate pairs
     * and random text.
     */
    private static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of("", " the", "\"quoted\"", "back\\slash", "tab\there",
                "line\nbreak\r\n", "\u2028\u2029", "emoji 🦙 and 中文", "</script>", "\u0001stackwatch-text\u0001",
                "{\"content\":\"x\"}", "\u007f\u0080\u00ff", "half a pair \ud83d then", "\udc00 low first"));
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        texts.add(controls.toString());
        Random random = new Random(21);
        for (int i = 0; i < 500; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                // Half the strings stay in the BMP, where deltas are spliced; the others go by way of the mapper.
                int codePoint = switch (random.nextInt(i % 2 == 0 ? 3 : 4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x780);
                    case 2 -> 0x800 + random.nextInt(0xD000 - 0x800);
                    default -> 0x10000 + random.nextInt(0x10000);
                };
                s.appendCodePoint(codePoint);
            }
            texts.add(s.toString());
        }
        return texts;
    }

    private static String escapeForMessage(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).codePoints()
                .mapToObj(c -> c < 0x20 ? String.format("\\u%04x", c) : Character.toString(c))
                .reduce("", String::concat);
    }
}
