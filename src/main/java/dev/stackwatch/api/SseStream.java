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
 * filling it would send a batch of tokens as several writes. A stream that ends before its first flush (it came from
 * the upstream in one read) is sent as one whole response, with a length, and the response's output stream is never
 * made: through it the same bytes were copied three more times (its buffer, a copy of the first write kept in case
 * more came, and the header block that, at this server's header size, is made twice).
 */
final class SseStream implements AutoCloseable {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    // Made once, with their wire bytes: created per stream, the three headers were validated and encoded each time.
    private static final Header CONTENT_TYPE = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "text/event-stream");
    private static final Header CACHE_CONTROL = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final Header NO_PROXY_BUFFERING =
            HeaderValues.createCached(HeaderNames.create("X-Accel-Buffering"), "no");
    /** Gathered events past this go to the response without waiting for the flush. */
    private static final int PENDING_LIMIT = 16 * 1024;
    /** The first batch's room: a stream that comes in one upstream read gathers all of its events in it. */
    private static final int FIRST_BATCH = 1024;
    /** The least room a later batch starts with. */
    private static final int MIN_BATCH = 128;

    private final ServerResponse res;
    private final ObjectMapper json;
    /** The headers are set: the stream has begun, and an error can no longer be a status. */
    private boolean started;
    /** Made at the first send before the end; a stream that ends before it needs none. */
    private OutputStream out;
    /**
     * Events appended since the last flush; made for each batch and let go after it, so an open stream waiting for
     * its next token holds none (idle streams are what the memory per stream is measured on).
     */
    private Batch pending;
    /**
     * The room the next batch starts with: the last batch's size, rounded up to a power of two. A stream that arrives a
     * token per upstream read flushes every event alone, and a batch of the first one's size was mostly empty: 1 KB
     * made per token for an event of about 200 bytes, a fifth of all a relayed answer allocated.
     */
    private int nextBatch = FIRST_BATCH;

    SseStream(ServerResponse res, ObjectMapper json) {
        this.res = res;
        this.json = json;
    }

    boolean started() {
        return started;
    }

    /** Writes an event without flushing it: it leaves with the next {@link #flush} (or once many have gathered). */
    void append(Object event) {
        appendEncoded(JsonResponses.encode(json, event));
    }

    /** Like {@link #append(Object)}, with the event's type named ({@code event: <type>}), as the Responses API does. */
    void append(String type, Object event) {
        byte[] encoded = JsonResponses.encode(json, event);
        batch().writeBytes(("event: " + type + "\n").getBytes(StandardCharsets.UTF_8));
        appendEncoded(encoded);
    }

    /** Like {@link #append(Object)}, for an event already encoded as JSON. */
    void appendEncoded(byte[] event) {
        Batch batch = batch();
        batch.writeBytes(DATA);
        batch.writeBytes(event);
        ended(batch);
    }

    /** Like {@link #append(Object)}, for a text delta spliced from {@code response}'s template into the batch. */
    void appendDelta(TemplatedResponse response, String text, boolean first) {
        Batch batch = batch();
        int start = batch.size();
        batch.writeBytes(DATA);
        try {
            response.writeDelta(text, first, batch);
        } catch (RuntimeException e) {
            batch.cut(start);
            throw e;
        }
        ended(batch);
    }

    /** Sends what was appended; nothing is committed if nothing was. */
    void flush() {
        if (pending == null && out == null) {
            return;
        }
        try {
            sendPending();
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
    }

    /** Ends the stream with {@code [DONE]}, as OpenAI's streams end; see {@link #end()}. */
    void done() {
        batch().writeBytes(DONE);
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
            if (out == null) {
                Batch batch = batch();
                pending = null;
                batch.sendWhole(res);
                return;
            }
            sendPending();
            out.close();
            if (res instanceof RoutingResponse routing) {
                routing.commit();
            }
        } catch (IOException | RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
    }

    /** Sets the headers on the first event: they leave with the first send. */
    private void begin() {
        if (started) {
            return;
        }
        try {
            res.header(CONTENT_TYPE);
            res.header(CACHE_CONTROL);
            res.header(NO_PROXY_BUFFERING);
        } catch (RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
        started = true;
    }

    /** The batch to append the next event to; the stream begins with the first. */
    private Batch batch() {
        begin();
        if (pending == null) {
            pending = new Batch(nextBatch);
        }
        return pending;
    }

    /** Ends the event just appended, and sends the batch at once if it has grown large. */
    private void ended(Batch batch) {
        batch.writeBytes(END);
        if (batch.size() >= PENDING_LIMIT) {
            try {
                sendPending();
            } catch (IOException | RuntimeException e) {
                throw new ClientDisconnectedException(e);
            }
        }
    }

    private void sendPending() throws IOException {
        if (out == null) {
            out = res.outputStream();
        }
        if (pending != null) {
            Batch batch = pending;
            pending = null;   // a failed write must not send it again from close()
            nextBatch = roomFor(batch.size());
            batch.writeTo(out);
        }
    }

    @Override
    public void close() {
        if (pending == null && out == null) {
            return;
        }
        try {
            sendPending();
            out.close();
        } catch (IOException | RuntimeException e) {
            // the client is gone; there is nobody left to tell
        }
    }

    /** The power of two at or above {@code size}, within [MIN_BATCH, PENDING_LIMIT]. */
    static int roomFor(int size) {
        int bounded = Math.clamp(size, MIN_BATCH, PENDING_LIMIT);
        return Integer.highestOneBit(bounded - 1) << 1;
    }

    /** The events of one batch, in the array they were gathered in. */
    private static final class Batch extends ByteArrayOutputStream {
        Batch(int room) {
            super(room);
        }

        /** Drops what was written after {@code size}: an event that failed half-way. */
        void cut(int size) {
            count = size;
        }

        /** The batch as the whole response's body, sent from this array. */
        void sendWhole(ServerResponse res) {
            res.send(buf, 0, count);
        }
    }
}
