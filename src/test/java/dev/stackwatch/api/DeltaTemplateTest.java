package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.wire.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The spliced deltas are byte for byte what the mapper writes for the format's delta, whatever the text. */
class DeltaTemplateTest {
    private final ObjectMapper json = Json.newMapper();

    @Test
    void everyFormatsDeltasAreSplicedAndMatchTheMapper() throws Exception {
        for (ResponseFormat format : List.of(new ChatFormat("chatcmpl-1a2b", 1_795_000_000L, "llama-3.2-3b"),
                new CompletionFormat("cmpl-1a2b", 1_795_000_000L, "ünïcode/model \"quoted\""))) {
            DeltaTemplate deltas = DeltaTemplate.of(json, format);
            assertTrue(deltas.templated(), format + " shows the marker once");
            for (String text : texts()) {
                for (boolean first : new boolean[] {true, false}) {
                    assertArrayEquals(json.writeValueAsBytes(format.delta(text, first)), deltas.encode(text, first),
                            () -> format + " " + first + " " + escapeForMessage(text));
                }
            }
        }
    }

    @Test
    void aModelNamedLikeTheMarkerFallsBackToTheMapper() throws Exception {
        ResponseFormat format = new ChatFormat("chatcmpl-1", 1L, "\u0001stackwatch-delta\u0001");
        DeltaTemplate deltas = DeltaTemplate.of(json, format);
        assertFalse(deltas.templated(), "the marker shows twice");
        assertArrayEquals(json.writeValueAsBytes(format.delta("hello", true)), deltas.encode("hello", true));
    }

    /**
     * Plain words, every escape JSON has, every control character, line separators, emoji, halves of surrogate pairs
     * and random text.
     */
    private static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of("", " the", "\"quoted\"", "back\\slash", "tab\there",
                "line\nbreak\r\n", "\u2028\u2029", "emoji 🦙 and 中文", "</script>", "\u0001stackwatch-delta\u0001",
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
