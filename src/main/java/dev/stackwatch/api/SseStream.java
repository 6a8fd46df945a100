package dev.stackwatch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.ClientDisconnectedException;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events. Nothing is committed until the first event, so a failure before the first token still gets
 * a proper HTTP status. A failed write means the client is gone and surfaces as {@link ClientDisconnectedException}.
 * <p>
 * Events appended between two flushes are gathered here and handed to the response in one write, so they leave as one
 * HTTP chunk and one socket write: the response's own buffer is kept small (it is held for a stream's whole life), and
 * filling it would send a batch of tokens as several writes.
 */
final class SseStream implements AutoCloseable {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_TYPE = new byte[0];
    // Made once, with their wire bytes: created per stream, the three headers were validated and encoded each time.
    private static final Header CONTENT_TYPE = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "text/event-stream");
    private static final Header CACHE_CONTROL = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final Header NO_PROXY_BUFFERING =
            HeaderValues.createCached(HeaderNames.create("X-Accel-Buffering"), "no");
    /** Gathered events past this go to the response without waiting for the flush. */
    private static final int PENDING_LIMIT = 16 * 1024;

    private final ServerResponse res;
    private final ObjectMapper json;
    private OutputStream out;
    /**
     * Events appended since the last flush; made for each batch and let go after it, so an open stream waiting for
     * its next token holds none (idle streams are what the memory per stream is measured on).
     */
    private ByteArrayOutputStream pending;

    SseStream(ServerResponse res, ObjectMapper json) {
        this.res = res;
        this.json = json;
    }

    boolean started() {
        return out != null;
    }

    /** Writes an event without flushing it: it leaves with the next {@link #flush} (or once many have gathered). */
    void append(Object event) {
        gather(NO_TYPE, JsonResponses.encode(json, event));
    }

    /** Sends what was appended; nothing is committed if nothing was. */
    void flush() {
        if (out == null) {
            return;
        }
        try {
            sendPending();
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
    }

    /** Like {@link #append(Object)}, with the event's type named ({@code event: <type>}), as the Responses API does. */
    void append(String type, Object event) {
        gather(("event: " + type + "\n").getBytes(StandardCharsets.UTF_8), JsonResponses.encode(json, event));
    }

    /** Like {@link #append(Object)}, for an event already encoded as JSON. */
    void appendEncoded(byte[] event) {
        gather(NO_TYPE, event);
    }

    /** Encoded before anything is gathered, so an event that cannot be encoded leaves no partial event behind. */
    private void gather(byte[] type, byte[] payload) {
        begin();
        ByteArrayOutputStream batch = pending();
        batch.writeBytes(type);
        batch.writeBytes(DATA);
        batch.writeBytes(payload);
        batch.writeBytes(END);
        if (batch.size() >= PENDING_LIMIT) {
            try {
                sendPending();
            } catch (IOException | RuntimeException e) {
                throw new ClientDisconnectedException(e);
            }
        }
    }

    /** Ends the stream with {@code [DONE]}, as OpenAI's streams end; see {@link #end()}. */
    void done() {
        begin();
        pending().writeBytes(DONE);
        end();
    }

    /**
     * Sends what was appended and completes the response here, so a failed last write is the client's disconnect like
     * any other. Nothing is flushed first: a stream that came in one upstream read (nothing sent yet) leaves as one
     * write, headers and body together with a length, where a flush would have sent the headers, the events and the
     * chunked body's end as three.
     */
    void end() {
        begin();
        try {
            sendPending();
            out.close();
            if (res instanceof RoutingResponse routing) {
                routing.commit();
            }
        } catch (IOException | RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
    }

    private ByteArrayOutputStream pending() {
        if (pending == null) {
            pending = new ByteArrayOutputStream(1024);
        }
        return pending;
    }

    private void sendPending() throws IOException {
        if (pending != null) {
            ByteArrayOutputStream batch = pending;
            pending = null;   // a failed write must not send it again from close()
            batch.writeTo(out);
        }
    }

    /** Starts the response on the first event: its headers leave with the first flush. */
    private void begin() {
        if (out != null) {
            return;
        }
        try {
            res.header(CONTENT_TYPE);
            res.header(CACHE_CONTROL);
            res.header(NO_PROXY_BUFFERING);
            out = res.outputStream();
        } catch (RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
    }

    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            sendPending();
            out.close();
        } catch (IOException | RuntimeException e) {
            // the client is gone; there is nobody left to tell
        }
    }
}
