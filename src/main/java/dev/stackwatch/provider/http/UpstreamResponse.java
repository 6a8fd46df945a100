package dev.stackwatch.provider.http;

import dev.stackwatch.deadline.Deadline;
import dev.stackwatch.deadline.DeadlineTimer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * An upstream response whose body is read as it arrives: by lines (SSE, NDJSON), by chunks (relaying) or whole
 * (JSON). The first body bytes must arrive before the first-byte deadline, later ones within the idle timeout; either
 * miss is a 504-kind {@link UpstreamFailure}. The clock runs only while this waits on the upstream, never while the
 * caller writes to its client. Reading to the end returns the connection to the pool; closing before the end drops
 * the connection, which is how the upstream learns that nobody wants the rest.
 */
public final class UpstreamResponse implements AutoCloseable {
    private static final int READ_SIZE = 8192;
    private static final int MIN_READ_SIZE = 256;

    private final String what;
    private final ClassicHttpResponse response;
    /** Drops the connection: closing an unread body would instead read it to its end, for reuse. */
    private final Cancellable abort;
    private final DeadlineTimer deadlines;
    private final long firstByteDue;
    private final Duration idleTimeout;
    /** The body's declared length, -1 when unknown (chunked). */
    private final long length;
    private InputStream body;
    private boolean gotBytes;
    private boolean ended;
    /** Bytes read but not yet handed out: {@code buffer[start, end)}. */
    private byte[] buffer;
    private int start;
    private int end;
    private Runnable beforeWaiting = () -> { };

    UpstreamResponse(String what, ClassicHttpResponse response, Cancellable abort, DeadlineTimer deadlines,
                     long firstByteDue, Duration idleTimeout) {
        this.what = what;
        this.response = response;
        this.abort = abort;
        this.deadlines = deadlines;
        this.firstByteDue = firstByteDue;
        this.idleTimeout = idleTimeout;
        HttpEntity entity = response.getEntity();
        this.length = entity == null ? 0 : entity.getContentLength();
        // A whole answer's declared length, usually far under READ_SIZE, is all the buffer needs at first.
        this.buffer = new byte[length >= 0 && length < READ_SIZE ? (int) Math.max(length, MIN_READ_SIZE) : READ_SIZE];
    }

    public int status() {
        return response.getCode();
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(response.getFirstHeader(name)).map(Header::getValue);
    }

    /** Every header, names as the upstream spelled them, values in order. */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            all.computeIfAbsent(h.getName(), n -> new ArrayList<>()).add(h.getValue());
        }
        return all;
    }

    /** The next line without its line break, or null at the end of the body. */
    public String readLine() {
        int from = start;
        while (true) {
            for (int i = from; i < end; i++) {
                if (buffer[i] == '\n') {
                    int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffer, start, lineEnd - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    return line;
                }
            }
            int scanned = end - start;
            if (!fill()) {
                if (start == end) {
                    return null;
                }
                String rest = new String(buffer, start, end - start, StandardCharsets.UTF_8);
                start = end;
                return rest;
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
        ByteArrayOutputStream all = new ByteArrayOutputStream((int) Math.min(limit, length >= 0 ? length : READ_SIZE));
        byte[] chunk;
        while ((chunk = readChunk()) != null) {
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
        byte[] chunk = Arrays.copyOfRange(buffer, start, end);
        start = end;
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
            abort.cancel();
        }
        closeQuietly(response);
    }

    /** Reads more bytes after {@code end}; false at the end of the body. Compacts or grows the buffer as needed. */
    private boolean fill() {
        if (ended) {
            return false;
        }
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        beforeWaiting.run();
        Duration wait = gotBytes ? idleTimeout : Duration.ofNanos(Math.max(0, firstByteDue - System.nanoTime()));
        Deadline deadline = deadlines.arm(wait);
        int n;
        try {
            if (body == null) {
                body = content();
            }
            n = body.read(buffer, end, buffer.length - end);
        } catch (IOException e) {
            deadline.close();
            throw deadline.fired() ? timedOut() : broken(e);
        }
        deadline.close();
        if (deadline.fired()) {
            throw timedOut();
        }
        if (n < 0) {
            ended = true;
            return false;
        }
        gotBytes = true;
        end += n;
        return true;
    }

    private InputStream content() throws IOException {
        HttpEntity entity = response.getEntity();
        return entity == null ? InputStream.nullInputStream() : entity.getContent();
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

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }
}
