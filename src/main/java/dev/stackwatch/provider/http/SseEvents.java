package dev.stackwatch.provider.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the {@code data} of Server-Sent Events from a response; comments, ids and event names are skipped. The data
 * stays bytes, for a parser that reads UTF-8 itself: decoding each chunk's line to a string, copying its data out and
 * parsing the string's characters were three passes over every streamed chunk where one parse of the bytes does. Bytes
 * that are not UTF-8 are then the parser's to refuse, as in a whole answer, instead of becoming U+FFFD.
 */
public final class SseEvents {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final UpstreamResponse response;

    public SseEvents(UpstreamResponse response) {
        this.response = response;
    }

    /** The next event's data (multi-line data joined by '\n'), or null when the stream ends or sends [DONE]. */
    public byte[] next() {
        // Nearly every event has one data line: it is the event as it is, with nothing to join.
        byte[] data = null;
        ByteArrayOutputStream lines = null;
        while (true) {
            byte[] line = response.readLineBytes();
            if (line == null || line.length == 0) {
                if (data != null) {
                    byte[] event = lines == null ? data : lines.toByteArray();
                    if (!Arrays.equals(event, DONE)) {
                        return event;
                    }
                    response.drain();
                    return null;
                }
                if (line == null) {
                    return null;
                }
                continue;
            }
            if (Arrays.equals(line, 0, Math.min(line.length, DATA.length), DATA, 0, DATA.length)) {
                byte[] value = Arrays.copyOfRange(line, line.length > 5 && line[5] == ' ' ? 6 : 5, line.length);
                if (data == null) {
                    data = value;
                } else {
                    if (lines == null) {
                        lines = new ByteArrayOutputStream();
                        lines.writeBytes(data);
                    }
                    lines.write('\n');
                    lines.writeBytes(value);
                }
            }
        }
    }
}
