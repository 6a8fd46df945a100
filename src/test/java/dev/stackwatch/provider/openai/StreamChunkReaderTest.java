package dev.stackwatch.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.wire.ByteSlice;
import dev.stackwatch.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A stream's chunks read without a parser give exactly what the scanner reads from them, and most are. */
class StreamChunkReaderTest {
    private static final String HEAD = "{\"id\":\"chatcmpl-8f2\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1795970181,\"model\":\"meta-llama/Llama-3.2-3B-Instruct\",\"choices\":[{\"index\":0,";
    private static final String TAIL = "\"logprobs\":null,\"finish_reason\":null}]}";

    private final ObjectMapper json = Json.newMapper();
    private int reads;

    private String delta(String text) throws IOException {
        return HEAD + "\"delta\":{\"content\":" + json.writeValueAsString(text) + "}," + TAIL;
    }

    @Test
    void readsAStreamAsTheScannerDoesAndMostOfItWithoutAParser() throws IOException {
        List<String> chunks = new ArrayList<>();
        chunks.add(HEAD + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}," + TAIL);
        for (String text : List.of("The", " quick", " brown", "", " fox", " jumps", " over", " the", " lazy",
                " dog", ".", " line\nbreak", " \"quoted\"", " back\\slash", " caf\u00e9", " \ud83d\ude00", " tab\t",
                " ~end", " \u007f")) {
            chunks.add(delta(text));
        }
        // The pattern's bytes around a text that closes the string and opens another key: scanned, not split.
        chunks.add(HEAD + "\"delta\":{\"content\":\"a\",\"content\":\"b\"}," + TAIL);
        chunks.add(HEAD.replace("8f2", "9a1") + "\"delta\":{\"content\":\"other id\"}," + TAIL);
        chunks.add(delta(" after"));
        chunks.add(HEAD + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
        chunks.add("{\"id\":\"chatcmpl-8f2\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":18}}");
        chunks.add(HEAD + "\"delta\":{\"content\":\"tool\",\"tool_calls\":[{\"index\":0}]}," + TAIL);
        chunks.add(delta("x") + " ");

        StreamChunkReader reader = new StreamChunkReader();
        for (String chunk : chunks) {
            byte[] data = chunk.getBytes(StandardCharsets.UTF_8);
            assertSameFacts(ChunkScanner.scan(json, ByteSlice.of(data)), reader.read(json, asRead(data)), chunk);
        }
        // Plain ASCII texts after a scanned delta of the same shape: 10 of the first 11 deltas (the empty one too),
        // " ~end" and " \u007f"; not " after", which follows a chunk of another id.
        assertEquals(12, reader.readWithoutParser());
    }

    @Test
    void refusesWhatTheScannerRefuses() throws IOException {
        StreamChunkReader reader = new StreamChunkReader();
        reader.read(json, asRead(delta("learned").getBytes(StandardCharsets.UTF_8)));
        List<byte[]> bad = List.of(
                // A raw control character and a malformed UTF-8 byte where the pattern's text would be.
                (HEAD + "\"delta\":{\"content\":\"a\u0001b\"}," + TAIL).getBytes(StandardCharsets.UTF_8),
                withByte(delta("a?b"), '?', (byte) 0xC3),
                (HEAD + "\"delta\":{\"content\":\"unterminated}," + TAIL).getBytes(StandardCharsets.UTF_8));
        for (byte[] data : bad) {
            assertThrows(IOException.class, () -> ChunkScanner.scan(json, ByteSlice.of(data)));
            assertThrows(IOException.class, () -> reader.read(json, asRead(data)));
        }
        assertEquals(0, reader.readWithoutParser());
    }

    @Test
    void readsRandomTextsAsTheScannerDoes() throws IOException {
        Random random = new Random(21);
        StreamChunkReader reader = new StreamChunkReader();
        reader.read(json, asRead(delta("first").getBytes(StandardCharsets.UTF_8)));
        int plain = 0;
        for (int i = 0; i < 500; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                // Mostly printable ASCII, sometimes a control character, a non-ASCII letter or an emoji half.
                int kind = random.nextInt(20);
                text.append(kind == 0 ? (char) random.nextInt(0x20) : kind == 1 ? (char) (0xA0 + random.nextInt(0x500))
                        : kind == 2 ? (char) (0xD800 + random.nextInt(0x400)) : (char) (0x20 + random.nextInt(0x60)));
            }
            String chunk = delta(text.toString());
            byte[] data = chunk.getBytes(StandardCharsets.UTF_8);
            assertSameFacts(ChunkScanner.scan(json, ByteSlice.of(data)), reader.read(json, asRead(data)), chunk);
            // As sent: a lone surrogate half becomes '?' in UTF-8.
            String sent = new String(text.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            if (sent.chars().allMatch(c -> c >= 0x20 && c < 0x80 && c != '"' && c != '\\')) {
                plain++;
            }
        }
        assertEquals(plain, reader.readWithoutParser());
        assertTrue(plain > 100, "plain texts: " + plain);
    }

    /**
     * {@code data} as the provider hands it over: a view of the upstream read it came in, here after an event of
     * another length each time and before the next, so that any offset counted from the read instead of the chunk
     * shows.
     */
    private ByteSlice asRead(byte[] data) {
        byte[] before = ("data: {\"n\":" + "x".repeat(reads++ % 7) + "}\n\ndata: ").getBytes(StandardCharsets.UTF_8);
        byte[] after = "\n\ndata: {\"choices\":[]}\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] read = new byte[before.length + data.length + after.length];
        System.arraycopy(before, 0, read, 0, before.length);
        System.arraycopy(data, 0, read, before.length, data.length);
        System.arraycopy(after, 0, read, before.length + data.length, after.length);
        return new ByteSlice(read, before.length, before.length + data.length);
    }

    private static byte[] withByte(String text, char marker, byte value) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        int at = text.indexOf(marker);
        data[at] = value;
        return data;
    }

    private static void assertSameFacts(ChunkScanner.Chunk expected, ChunkScanner.Chunk actual, String chunk) {
        assertEquals(facts(expected), facts(actual), chunk);
    }

    /** Everything a chunk tells the provider (not where its text lay). */
    private static List<Object> facts(ChunkScanner.Chunk c) {
        return Arrays.asList(c.error, c.hasChoice, c.messageContentPresent, c.messageContent, c.deltaContentPresent,
                c.deltaContent, c.textPresent, c.text, c.toolCalls, c.messageToolCalls, c.finishReason, c.usage,
                c.piece());
    }
}
