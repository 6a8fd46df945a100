package dev.stackwatch.provider.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A successful upstream response whose body is read as it arrives: by lines (SSE, NDJSON) or whole (JSON). The first
 * bytes must arrive before the first-byte deadline, later ones within the idle timeout; either miss is a 504-kind
 * {@link UpstreamFailure}. Closing before the end aborts the exchange.
 */
public final class UpstreamResponse implements AutoCloseable {
    private final String what;
    private final int status;
    private final HttpHeaders headers;
    private final BodyChunks body;
    private final long firstByteDeadline;
    private final Duration idleTimeout;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean gotBytes;
    private int scanFrom;

    UpstreamResponse(String what, int status, HttpHeaders headers, BodyChunks body, long firstByteDeadline,
                     Duration idleTimeout) {
        this.what = what;
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.firstByteDeadline = firstByteDeadline;
        this.idleTimeout = idleTimeout;
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The next line without its line break, or null at the end of the body. */
    public String readLine() {
        while (true) {
            byte[] buffered = pending.toByteArray();
            for (int i = scanFrom; i < buffered.length; i++) {
                if (buffered[i] == '\n') {
                    int end = i > 0 && buffered[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffered, 0, end, StandardCharsets.UTF_8);
                    pending.reset();
                    pending.write(buffered, i + 1, buffered.length - i - 1);
                    scanFrom = 0;
                    return line;
                }
            }
            scanFrom = buffered.length;
            byte[] chunk = nextChunk();
            if (chunk == null) {
                if (buffered.length == 0) {
                    return null;
                }
                pending.reset();
                scanFrom = 0;
                return new String(buffered, StandardCharsets.UTF_8);
            }
            pending.writeBytes(chunk);
        }
    }

    /** The rest of the body, at most {@code limit} bytes (the rest is discarded). */
    public byte[] readAll(int limit) {
        while (true) {
            byte[] chunk = nextChunk();
            if (chunk == null) {
                break;
            }
            if (pending.size() < limit) {
                pending.write(chunk, 0, Math.min(chunk.length, limit - pending.size()));
            }
        }
        byte[] all = pending.toByteArray();
        pending.reset();
        return all;
    }

    /** The next piece of the body as it arrived, or null at its end (for relaying a body unchanged). */
    public byte[] readChunk() {
        if (pending.size() > 0) {
            byte[] buffered = pending.toByteArray();
            pending.reset();
            scanFrom = 0;
            return buffered;
        }
        return nextChunk();
    }

    private byte[] nextChunk() {
        Duration wait = gotBytes ? idleTimeout
                : Duration.ofNanos(Math.max(0, firstByteDeadline - System.nanoTime()));
        try {
            byte[] chunk = body.next(wait);
            gotBytes = true;
            return chunk;
        } catch (BodyChunks.TimeoutException e) {
            throw gotBytes
                    ? UpstreamFailure.timeout(what + ": upstream sent nothing for " + idleTimeout.toMillis()
                            + " ms (idle_timeout_ms)")
                    : UpstreamFailure.timeout(what + ": no response from upstream within the first-byte timeout"
                            + " (first_byte_timeout_ms)");
        } catch (IOException e) {
            throw UpstreamFailure.connection(what + ": upstream connection broke: " + describe(e), e);
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
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

    /** Aborts the exchange unless the body was read to its end (then the connection goes back to the pool). */
    @Override
    public void close() {
        if (!body.finished()) {
            body.cancel();
        }
    }
}
