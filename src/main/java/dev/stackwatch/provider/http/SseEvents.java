package dev.stackwatch.provider.http;

import dev.stackwatch.wire.ByteSlice;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the {@code data} of Server-Sent Events from a response; comments, ids and event names are skipped. The data
 * stays bytes, for a parser that reads UTF-8 itself: decoding each chunk's line to a string, copying its data out and
 * parsing the string's characters were three passes over every streamed chunk where one parse of the bytes does. Bytes
 * that are not UTF-8 are then the parser's to refuse, as in a whole answer, instead of becoming U+FFFD. An event's one
 * data line is handed over in place, a view of the upstream's read; only several lines are joined into a new array.
 */
public final class SseEvents {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final UpstreamResponse response;

    public SseEvents(UpstreamResponse response) {
        this.response = response;
    }

    /** The next event's data (multi-line data joined by '\n'), or null when the stream ends or sends [DONE]. */
    public ByteSlice next() {
        // Nearly every event has one data line: it is the event as it is, with nothing to join.
        ByteSlice data = null;
        ByteArrayOutputStream lines = null;
        while (true) {
            ByteSlice line = response.readLineBytes();
            if (line == null || line.length() == 0) {
                if (data != null) {
                    ByteSlice event = lines == null ? data : ByteSlice.of(lines.toByteArray());
                    if (!event.contentEquals(DONE)) {
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
            if (line.startsWith(DATA)) {
                ByteSlice value = line.skip(line.length() > 5 && line.at(5) == ' ' ? 6 : 5);
                if (data == null) {
                    data = value;
                } else {
                    if (lines == null) {
                        lines = new ByteArrayOutputStream();
                        data.writeTo(lines);
                    }
                    lines.write('\n');
                    value.writeTo(lines);
                }
            }
        }
    }
}
