package dev.stackwatch.provider.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read chunk by chunk with a time limit per chunk. Subscribing to the body publisher ourselves (rather
 * than reading an InputStream) gives a wait that can time out and a {@link #cancel()} that aborts the exchange and
 * closes the connection, which is how upstream generation is stopped when the client goes away.
 */
final class BodyChunks implements Flow.Subscriber<List<ByteBuffer>> {
    private sealed interface Signal {}

    private record Data(List<ByteBuffer> buffers) implements Signal {}

    private record Failed(Throwable error) implements Signal {}

    private record Complete() implements Signal {}

    private final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Flow.Subscription> subscription = new LinkedBlockingQueue<>(1);
    private Flow.Subscription current;
    private boolean finished;
    /** Set by {@link #cancel()}; read by {@link #onSubscribe} on the client's thread, hence volatile. */
    private volatile boolean cancelled;

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (cancelled) {
            s.cancel();
            return;
        }
        subscription.offer(s);
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        signals.add(new Data(item));
    }

    @Override
    public void onError(Throwable throwable) {
        signals.add(new Failed(throwable));
    }

    @Override
    public void onComplete() {
        signals.add(new Complete());
    }

    /**
     * The next chunk's bytes, or null at the end of the body. Throws {@link TimeoutException} (after cancelling) when
     * nothing arrives within {@code timeout}, and IOException when the connection broke.
     */
    byte[] next(Duration timeout) throws IOException, TimeoutException {
        if (finished) {
            return null;
        }
        Signal signal;
        try {
            signal = signals.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new IOException("interrupted while reading the upstream response", e);
        }
        return switch (signal) {
            case null -> {
                cancel();
                throw new TimeoutException();
            }
            case Complete c -> {
                finished = true;
                yield null;
            }
            case Failed f -> {
                finished = true;
                throw f.error() instanceof IOException io ? io : new IOException(f.error());
            }
            case Data d -> {
                byte[] bytes = concat(d.buffers());
                subscription().request(1);
                yield bytes;
            }
        };
    }

    boolean finished() {
        return finished;
    }

    /** Stops reading and aborts the exchange; the upstream sees its connection closed. */
    void cancel() {
        finished = true;
        cancelled = true;
        Flow.Subscription s = current != null ? current : subscription.poll();
        if (s != null) {
            current = s;
            s.cancel();
        }
    }

    private Flow.Subscription subscription() {
        if (current == null) {
            // onSubscribe always precedes onNext, so the subscription is there once data arrived.
            current = subscription.poll();
        }
        return current;
    }

    private static byte[] concat(List<ByteBuffer> buffers) {
        int size = 0;
        for (ByteBuffer b : buffers) {
            size += b.remaining();
        }
        byte[] bytes = new byte[size];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int n = b.remaining();
            b.get(bytes, at, n);
            at += n;
        }
        return bytes;
    }

    /** No chunk arrived in time. */
    static final class TimeoutException extends Exception {
        TimeoutException() {
            super(null, null, false, false);
        }
    }
}
