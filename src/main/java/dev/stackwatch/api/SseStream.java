package dev.stackwatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.ClientDisconnectedException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events. Nothing is committed until the first event, so a failure before the first token still gets
 * a proper HTTP status. A failed write means the client is gone and surfaces as {@link ClientDisconnectedException}.
 */
final class SseStream implements AutoCloseable {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerResponse res;
    private final ObjectMapper json;
    private OutputStream out;

    SseStream(ServerResponse res, ObjectMapper json) {
        this.res = res;
        this.json = json;
    }

    boolean started() {
        return out != null;
    }

    void send(Object event) {
        append(event);
        flush();
    }

    /** Writes an event without flushing it: it leaves with the next {@link #flush} (or a full buffer). */
    void append(Object event) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise SSE event", e);
        }
        write(DATA, payload, END);
    }

    /** Sends what was appended; nothing is committed if nothing was. */
    void flush() {
        if (out == null) {
            return;
        }
        try {
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
    }

    /** An event with its type named ({@code event: <type>}), as the Responses API streams them. */
    void send(String type, Object event) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise SSE event", e);
        }
        write(("event: " + type + "\n").getBytes(StandardCharsets.UTF_8), DATA, payload, END);
        flush();
    }

    void done() {
        write(DONE);
        flush();
    }

    private void write(byte[]... parts) {
        try {
            if (out == null) {
                res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                res.header(HeaderNames.CACHE_CONTROL, "no-cache");
                res.header("X-Accel-Buffering", "no");
                out = res.outputStream();
            }
            for (byte[] part : parts) {
                out.write(part);
            }
        } catch (IOException | RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
    }

    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            // the client is gone; there is nobody left to tell
        }
    }
}
