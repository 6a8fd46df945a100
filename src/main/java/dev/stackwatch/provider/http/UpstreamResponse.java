package dev.stackwatch.provider.http;

import dev.stackwatch.deadline.Deadline;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.wire.ByteSlice;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An upstream response whose body is read as it arrives: by lines (SSE, NDJSON), by chunks (relaying) or whole
 * (JSON). The first body bytes must arrive before the first-byte deadline, later ones within the idle timeout; either
 * miss is a 504-kind {@link UpstreamFailure}. The clock runs only while this waits on the upstream, never while the
 * caller writes to its client. Reading to the end returns the connection to the pool; closing before the end drops
 * the connection, which is how the upstream learns that nobody wants the rest.
 */
public final class UpstreamResponse implements AutoCloseable {
    private static final byte[] NOTHING = new byte[0];

    private final String what;
    private final HttpResponse head;
    private final UpstreamExchange exchange;
    private final UpstreamConnections connections;
    private final DeadlineTimer deadlines;
    private final long firstByteDue;
    private final Duration idleTimeout;
    /** The body's declared length, -1 when unknown (chunked). */
    private final long length;
    private boolean gotBytes;
    /** The exchange handed over the body's last bytes and its connection has been let go. */
    private boolean ended;
    /** Bytes read but not yet handed out: {@code buffer[start, end)}. */
    private byte[] buffer = NOTHING;
    private int start;
    private int end;
    /** Where the line {@link #nextLine()} consumed last begins in the buffer. */
    private int lineStart;
    private Runnable beforeWaiting = () -> { };

    UpstreamResponse(String what, UpstreamExchange.Read first, UpstreamExchange exchange,
                     UpstreamConnections connections, DeadlineTimer deadlines, long firstByteDue,
                     Duration idleTimeout) {
        this.what = what;
        this.head = first.head();
        this.exchange = exchange;
        this.connections = connections;
        this.deadlines = deadlines;
        this.firstByteDue = firstByteDue;
        this.idleTimeout = idleTimeout;
        this.length = HttpUtil.getContentLength(head, -1L);
        take(first);
    }

    public int status() {
        return head.status().code();
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(head.headers().get(name));
    }

    /** Every header, names as the upstream spelled them, values in order. */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : head.headers()) {
            all.computeIfAbsent(h.getKey(), n -> new ArrayList<>()).add(h.getValue());
        }
        return all;
    }

    /** The next line without its line break, or null at the end of the body. */
    public String readLine() {
        int length = nextLine();
        return length < 0 ? null : new String(buffer, lineStart, length, StandardCharsets.UTF_8);
    }

    /**
     * The next line's bytes without its line break, or null at the end of the body: for a reader that parses bytes.
     * The slice views the read it came in, not a copy: no array this hands out or keeps is ever written again (a read
     * that does not end a line is joined with the next into a new array).
     */
    public ByteSlice readLineBytes() {
        int length = nextLine();
        return length < 0 ? null : new ByteSlice(buffer, lineStart, lineStart + length);
    }

    /**
     * Consumes the next line and returns its length without the line break, the line being
     * {@code buffer[lineStart, lineStart + length)} until the next read; -1 at the end of the body.
     */
    private int nextLine() {
        int from = start;
        while (true) {
            for (int i = from; i < end; i++) {
                if (buffer[i] == '\n') {
                    int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    lineStart = start;
                    start = i + 1;
                    return lineEnd - lineStart;
                }
            }
            int scanned = end - start;
            if (!fill()) {
                if (start == end) {
                    return -1;
                }
                lineStart = start;
                start = end;
                return end - lineStart;
            }
            // fill() may have moved the unread bytes to the front of the buffer.
            from = start + scanned;
        }
    }

    /**
     * Runs {@code action} each time before this waits for more of the body: a streaming provider flushes what it has
     * relayed there, so pieces that came in one read leave in one write and none waits on the next read.
     */
    public void beforeWaiting(Runnable action) {
        this.beforeWaiting = action;
    }

    /** The rest of the body, at most {@code limit} bytes (the rest is read and discarded). */
    public byte[] readAll(int limit) {
        byte[] first = readChunk();
        if (first == null) {
            return NOTHING;
        }
        byte[] second = readChunk();
        if (second == null) {
            // Usually the whole body came in one read: it is the answer as it is.
            return first.length <= limit ? first : Arrays.copyOf(first, limit);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream((int) Math.min(limit, length >= 0 ? length : 8192));
        all.write(first, 0, Math.min(first.length, limit));
        for (byte[] chunk = second; chunk != null; chunk = readChunk()) {
            if (all.size() < limit) {
                all.write(chunk, 0, Math.min(chunk.length, limit - all.size()));
            }
        }
        return all.toByteArray();
    }

    /** The next piece of the body as it arrived, or null at its end (for relaying a body unchanged). */
    public byte[] readChunk() {
        if (start == end && !fill()) {
            return null;
        }
        // A read handed over whole is given out as it is: nothing else refers to it.
        byte[] chunk = start == 0 && end == buffer.length ? buffer : Arrays.copyOfRange(buffer, start, end);
        buffer = NOTHING;
        start = 0;
        end = 0;
        return chunk;
    }

    /**
     * Reads what is left of a body whose content has all been seen (after SSE's [DONE] or Ollama's done line, only
     * the end of the chunked encoding remains), so the connection can go back to the pool instead of being dropped.
     */
    public void drain() {
        while (readChunk() != null) {
            // discard
        }
    }

    /** Aborts the exchange unless the body was read to its end (then the connection is already back in the pool). */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            connections.end(exchange, false);
        }
    }

    /** Waits for the upstream's next read and appends it after {@code end}; false at the end of the body. */
    private boolean fill() {
        while (!ended) {
            if (!exchange.hasRead()) {
                beforeWaiting.run();
            }
            Duration wait = gotBytes ? idleTimeout : Duration.ofNanos(Math.max(0, firstByteDue - System.nanoTime()));
            Deadline deadline = deadlines.arm(wait);
            UpstreamExchange.Read read;
            try {
                read = exchange.next();
            } catch (IOException e) {
                deadline.close();
                throw deadline.fired() ? timedOut() : broken(e);
            }
            deadline.close();
            if (deadline.fired()) {
                throw timedOut();
            }
            if (take(read)) {
                return true;
            }
        }
        return false;
    }

    /** Appends a read's bytes to the unread ones and lets the connection go at the body's end; true if it had bytes. */
    private boolean take(UpstreamExchange.Read read) {
        byte[] bytes = read.body();
        if (read.last()) {
            ended = true;
            connections.end(exchange, exchange.reusable(HttpUtil.isKeepAlive(head)));
        }
        if (bytes.length == 0) {
            return false;
        }
        gotBytes = true;
        if (start == end) {
            buffer = bytes;
            end = bytes.length;
        } else {
            int left = end - start;
            byte[] joined = new byte[left + bytes.length];
            System.arraycopy(buffer, start, joined, 0, left);
            System.arraycopy(bytes, 0, joined, left, bytes.length);
            buffer = joined;
            end = joined.length;
        }
        start = 0;
        return true;
    }

    private UpstreamFailure timedOut() {
        return gotBytes
                ? UpstreamFailure.timeout(what + ": upstream sent nothing for " + idleTimeout.toMillis()
                        + " ms (idle_timeout_ms)")
                : UpstreamFailure.timeout(what + ": no response from upstream within the first-byte timeout"
                        + " (first_byte_timeout_ms)");
    }

    private UpstreamFailure broken(IOException e) {
        if (Thread.currentThread().isInterrupted()) {
            return UpstreamFailure.connection(what + ": interrupted while reading the upstream response", e);
        }
        return UpstreamFailure.connection(what + ": upstream connection broke: " + describe(e), e);
    }

    /** What the event loop reports, without the decoder's wrapping (a failed TLS handshake comes wrapped). */
    static Throwable unwrap(Throwable e) {
        return e instanceof DecoderException && e.getCause() != null ? e.getCause() : e;
    }

    /** What the event loop reported, as the I/O failure a waiting thread throws. */
    static IOException asIOException(Throwable cause) {
        Throwable unwrapped = unwrap(cause);
        return unwrapped instanceof IOException io ? io : new IOException(describe(unwrapped), unwrapped);
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
