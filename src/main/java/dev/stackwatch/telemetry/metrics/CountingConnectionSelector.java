package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.deadline.Deadline;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.lifecycle.ClientWatch;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Counts open client connections. Helidon has no connection open/close listener, but a connection's whole life is one
 * call to {@link ServerConnection#handle}: this selector hands out HTTP/1.1 connections (as Helidon's own selector
 * would) wrapped so that call is counted. It must be the listener's only selector: Helidon then hands it each socket
 * as soon as it is accepted, so a socket that never sends a byte is counted too, and is closed by the idle check
 * (with several candidates Helidon first blocks reading bytes to choose one, with no timeout and uncounted).
 *
 * <p>It also lets the request being served on this thread end its connection after the response
 * ({@link #closeCurrentAfterResponse}); Helidon 4.5 keeps reading requests after a {@code Connection: close}. Such a
 * connection lingers before it closes, as nginx's does: what the client still sends (the rest of a body refused by its
 * length or before it was read) is read and dropped, for at most {@value #LINGER_BYTES} bytes and {@link #LINGER}.
 * Closed with unread bytes, a socket sends a reset, which can destroy the answer before the client has read it.
 *
 * <p>Each connection's bytes are read through a {@link WatchableSocket}, so a request being generated can notice
 * that its client left ({@link #start}): Helidon 4.5 tells nobody when a connection closes.
 */
public final class CountingConnectionSelector implements ServerConnectionSelector, ClientWatch {
    static final Duration LINGER = Duration.ofSeconds(2);
    /** How long a request runs before its client is watched; at least one {@link DeadlineTimer} tick. */
    static final Duration WATCH_AFTER = Duration.ofMillis(100);
    static final long LINGER_BYTES = 64L * 1024 * 1024;

    private final ServerConnectionSelector http1;
    private final Metrics metrics;
    /** Helidon serves each connection on its own thread, from its first byte to its close. */
    private final ThreadLocal<CountedConnection> current = new ThreadLocal<>();
    private final Runnable atEnd;
    private final DeadlineTimer deadlines;

    /**
     * {@code config} is the listener's HTTP/1.1 configuration (limits included): this selector replaces Helidon's.
     * {@code atEnd} runs on each connection's thread as it ends; {@code deadlines} bounds the linger.
     */
    public CountingConnectionSelector(Metrics metrics, Http1Config config, Runnable atEnd, DeadlineTimer deadlines) {
        this.metrics = metrics;
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
        this.atEnd = atEnd;
        this.deadlines = deadlines;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        WatchableContext watchable = new WatchableContext(ctx);
        return new CountedConnection(http1.connection(watchable), watchable, this);
    }

    /**
     * Watches the client of the connection serving the current thread (see {@link WatchableSocket}) once the request
     * has run {@link #WATCH_AFTER}; watches nothing on a thread that serves no connection. A watch costs one virtual
     * thread for its length, blocked in a read, and hands the connection's next read over from that thread: most
     * whole answers come sooner than that, and a client that leaves such a short one costs little.
     */
    @Override
    public ClientWatch.Watch start(Runnable gone) {
        CountedConnection connection = current.get();
        if (connection == null) {
            return ClientWatch.NONE.start(gone);
        }
        WatchableSocket socket = connection.ctx.socket();
        LateWatch late = new LateWatch();
        late.alarm = deadlines.alarm(WATCH_AFTER, () -> late.started = socket.watch(gone));
        return late;
    }

    /** A watch that starts on the timer's thread when its alarm goes off, if it is still open then. */
    private static final class LateWatch implements ClientWatch.Watch {
        private Deadline alarm;
        /** Written by the alarm's action, which has finished (or never ran) once the alarm is closed. */
        private volatile ClientWatch.Watch started;

        @Override
        public void close() {
            alarm.close();
            ClientWatch.Watch watch = started;
            if (watch != null) {
                watch.close();
            }
        }
    }

    /**
     * Ends the connection serving the current thread's request once its response is written: Helidon finishes the
     * request, reads nothing more and closes the socket. Does nothing on a thread that serves no connection.
     */
    public void closeCurrentAfterResponse() {
        CountedConnection connection = current.get();
        if (connection != null) {
            connection.linger = true;
            // Without interrupt: the request in progress completes; only the wait for a next one is skipped.
            connection.close(false);
        }
    }

    /** Reads and drops what the client still sends, until it closes, or the bounds are reached. */
    private void linger(DataReader in) {
        Deadline deadline = deadlines.arm(LINGER);
        try (deadline) {
            for (long dropped = 0; dropped < LINGER_BYTES; ) {
                in.ensureAvailable();
                int n = in.available();
                in.skip(n);
                dropped += n;
            }
        } catch (RuntimeException closedOrTimedOut) {
            // The client closed its side, or the linger ran out (the deadline's interrupt closed the socket).
        }
    }

    /**
     * Keeps {@link InterruptableTask} from the wrapped connection: Helidon interrupts idle connections on shutdown
     * only when they say they can be.
     */
    private static final class CountedConnection implements ServerConnection, InterruptableTask<Void> {
        private final ServerConnection delegate;
        private final WatchableContext ctx;
        private final CountingConnectionSelector selector;
        /** Set on this connection's own thread by {@link #closeCurrentAfterResponse}. */
        private boolean linger;

        CountedConnection(ServerConnection delegate, WatchableContext ctx, CountingConnectionSelector selector) {
            this.delegate = delegate;
            this.ctx = ctx;
            this.selector = selector;
        }

        /** The connection's whole life, whichever of Helidon's two entry points runs it. */
        private interface Life {
            void run() throws InterruptedException;
        }

        @Override
        public void handle(Semaphore requestSemaphore) throws InterruptedException {
            counted(() -> delegate.handle(requestSemaphore));
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            counted(() -> delegate.handle(limit));
        }

        private void counted(Life life) throws InterruptedException {
            selector.metrics.connectionOpened();
            selector.current.set(this);
            try {
                life.run();
            } finally {
                selector.current.remove();
                if (linger) {
                    selector.linger(ctx.dataReader());
                }
                selector.atEnd.run();
                selector.metrics.connectionClosed();
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }

        @Override
        public boolean canInterrupt() {
            return delegate instanceof InterruptableTask<?> t && t.canInterrupt();
        }
    }
}
