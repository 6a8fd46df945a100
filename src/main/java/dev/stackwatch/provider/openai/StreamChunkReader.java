package dev.stackwatch.provider.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.wire.ByteSlice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one stream's chunks as {@link ChunkScanner} does, without a parser for most of them. OpenAI-compatible
 * servers (vLLM and the simulator, for example) send every text delta of a stream as the same bytes but for the text:
 * once a chunk that tells nothing but a delta's text has been scanned, a next chunk made of the same bytes before and
 * after the text, with a text of plain ASCII between them (no quote, backslash or control character, so the string
 * ends where that chunk's did), is the same JSON with another text. Anything else (escapes, other scripts, a role, a
 * finish reason, usage, an OpenAI {@code obfuscation} field that differs per chunk) is scanned, and a scanned text
 * delta becomes the next pattern. Creating a parser per chunk (its context, pooled buffers and encoding detection) was
 * most of the scanner's cost on a streamed answer.
 */
final class StreamChunkReader {
    /** The last scanned chunk that was a text delta and nothing else; null until there is one. */
    private byte[] pattern;
    /** Where that chunk's text begins (past its opening quote) and ends (at its closing quote), from its start. */
    private int textFrom;
    private int textTo;
    private int withoutParser;

    /** One chunk's facts, as {@link ChunkScanner#scan} reads them with {@code json}. */
    ChunkScanner.Chunk read(ObjectMapper json, ByteSlice data) throws IOException {
        String text = pattern == null ? null
                : textBetween(data, json.getFactory().streamReadConstraints().getMaxStringLength());
        if (text != null) {
            withoutParser++;
            return ChunkScanner.Chunk.textDelta(text);
        }
        ChunkScanner.Chunk chunk = ChunkScanner.scan(json, data);
        if (chunk.isTextDeltaOnly()) {
            // A copy: the chunk is a view of the upstream read it came in, which may hold many more, and an open
            // stream keeps its pattern for as long as it waits.
            pattern = data.toArray();
            textFrom = chunk.deltaTextFrom;
            textTo = chunk.deltaTextTo;
        }
        return chunk;
    }

    /** How many chunks were read without a parser. */
    int readWithoutParser() {
        return withoutParser;
    }

    /** The text of a chunk that matches the pattern, else null. */
    private String textBetween(ByteSlice data, int maxStringLength) {
        byte[] in = data.array();
        int base = data.from();
        int from = base + textFrom;
        int to = data.to() - (pattern.length - textTo);
        if (to < from || to - from > maxStringLength
                || !Arrays.equals(in, base, from, pattern, 0, textFrom)
                || !Arrays.equals(in, to, data.to(), pattern, textTo, pattern.length)) {
            return null;
        }
        for (int i = from; i < to; i++) {
            byte b = in[i];
            // Bytes are signed: every byte of a multi-byte UTF-8 sequence is negative, so below 0x20 as well.
            if (b < 0x20 || b == '"' || b == '\\') {
                return null;
            }
        }
        return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
