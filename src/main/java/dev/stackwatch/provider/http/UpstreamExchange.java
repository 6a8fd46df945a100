package dev.stackwatch.provider.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One request and its answer on one upstream connection. The event loop collects what each socket read brought and
 * hands it to the request's thread as one {@link Read} when the read completes; the thread blocks in {@link #next}
 * (a deadline interrupts it). A body that comes faster than the thread takes it pauses the connection's reads.
 */
final class UpstreamExchange {
    /** What one socket read brought of the answer: its head if the read had it, body bytes, whether it ended. */
    record Read(HttpResponse head, byte[] body, boolean last) {}

    /** The connection closed (cause null) or failed before the answer ended. */
    private record Ended(Throwable cause) {}

    private static final byte[] NOTHING = new byte[0];
    /** Bytes handed over but not yet taken at which the connection stops reading. */
    private static final long PAUSE_AT = 256 * 1024;

    private final Channel channel;
    private final BlockingQueue<Object> reads = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Set and cleared on the loop only; the thread reads it to ask the loop to resume. */
    private volatile boolean paused;
    private volatile boolean requestSent;
    /** Set on the loop when the answer's head is handed over, and kept after the request's thread has taken it. */
    private volatile boolean answered;

    // Touched by the event loop only.
    private HttpResponse head;
    private final List<ByteBuf> pending = new ArrayList<>(4);
    private boolean last;
    /** Inside a 1xx interim answer, which the request's thread never sees. */
    private boolean interim;

    UpstreamExchange(Channel channel) {
        this.channel = channel;
    }

    Channel channel() {
        return channel;
    }

    // ---- the event loop's side

    void received(HttpObject part) {
        if (part.decoderResult().isFailure()) {
            ReferenceCountUtil.release(part);
            throw new IllegalStateException("upstream sent malformed HTTP", part.decoderResult().cause());
        }
        if (part instanceof HttpResponse response) {
            interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (!interim) {
                head = response;
            }
        }
        if (part instanceof HttpContent content) {
            if (interim) {
                content.release();
                interim = !(content instanceof LastHttpContent);
                return;
            }
            pending.add(content.content());
            last |= content instanceof LastHttpContent;
        }
    }

    /** Hands over what the read brought, as one piece. */
    void readComplete() {
        if (head == null && pending.isEmpty() && !last) {
            return;
        }
        byte[] body = collect();
        // Paused before the piece is queued, so a thread that took it and finds nothing more sees the pause.
        if (queuedBytes.addAndGet(body.length) >= PAUSE_AT && !last) {
            paused = true;
            channel.config().setAutoRead(false);
        }
        if (head != null) {
            answered = true;
        }
        reads.add(new Read(head, body, last));
        head = null;
        last = false;
    }

    void ended(Throwable cause) {
        readComplete();
        reads.add(new Ended(cause));
    }

    void sent() {
        requestSent = true;
    }

    /** Frees what a read left half-collected when the exchange was let go before it completed. */
    void discard() {
        for (ByteBuf piece : pending) {
            piece.release();
        }
        pending.clear();
    }

    /** Resumes reading once the thread has taken everything handed over (runs on the loop, as the pause does). */
    private void resume() {
        if (paused) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }

    private byte[] collect() {
        if (pending.isEmpty()) {
            return NOTHING;
        }
        int size = 0;
        for (ByteBuf piece : pending) {
            size += piece.readableBytes();
        }
        byte[] body = new byte[size];
        int at = 0;
        for (ByteBuf piece : pending) {
            int n = piece.readableBytes();
            piece.readBytes(body, at, n);
            at += n;
        }
        discard();
        return body;
    }

    // ---- the request thread's side

    /** Whether a read is waiting to be taken: a thread with nothing waiting flushes what it relayed. */
    boolean hasRead() {
        return !reads.isEmpty();
    }

    /**
     * Whether the answer's head has come: a server may answer from the request's head alone (refusing an upload) and
     * close before it took the rest, and then that answer, not the failed writes, is the outcome.
     */
    boolean answered() {
        return answered;
    }

    /**
     * The next read of the answer, blocking until it comes; the connection's end before the answer's is an error. An
     * interrupt (a deadline's or anyone's) ends the wait as an {@link InterruptedIOException} with the thread's
     * interrupt status kept, so the caller's deadline can tell whose it was.
     */
    Read next() throws IOException {
        Object taken = reads.poll();
        if (taken == null) {
            if (paused) {
                channel.eventLoop().execute(this::resume);
            }
            taken = UpstreamConnections.waitFor(reads::take);
        }
        if (taken instanceof Ended ended) {
            reads.add(ended);   // every later call fails the same way
            throw ended.cause() == null ? new IOException("connection closed by the upstream")
                    : UpstreamResponse.asIOException(ended.cause());
        }
        Read read = (Read) taken;
        queuedBytes.addAndGet(-read.body().length);
        return read;
    }

    /** Whether the connection can carry another request once this answer ended. */
    boolean reusable(boolean keepAlive) {
        return keepAlive && requestSent && channel.isActive();
    }
}
