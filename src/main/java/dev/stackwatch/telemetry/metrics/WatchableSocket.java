package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.lifecycle.ClientWatch;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.ServerConnectionException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one reader of a connection's socket, feeding Helidon's request parser. It normally reads on the thread that
 * asks, Helidon's connection thread. While a {@link #watch} is on (the connection's request is being generated and
 * nobody reads), a watcher virtual thread makes the one blocking read instead: if the client closes or resets the
 * connection meanwhile, that read ends at once and the watch's callback runs. Whatever that read got (bytes of a
 * pipelined request, the end of the stream, a failure) is what the next {@link #get} returns, so no byte is lost or
 * reordered, and the socket is never read by two threads at once. A read still running when the watch ends becomes
 * the connection's next read: Helidon's parser waits for it as it would have waited on the socket.
 *
 * <p>The watch sees a client leave only until the client sends something more: the watcher stops after one read,
 * rather than buffer what a pipelining client sends without bound.
 */
final class WatchableSocket implements Supplier<byte[]> {
    private static final ClientWatch.Watch NOTHING = () -> { };

    private final HelidonSocket socket;
    /** A lock, not a monitor: on Java 21 a virtual thread waiting on a monitor pins its carrier. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readDone = lock.newCondition();
    /**
     * The watcher's read, from its start until a caller takes what it got; null when there is none. Written under the
     * lock, by the connection's thread or by the timer's when a late watch starts.
     */
    private Read pending;
    /** The callback of the watch that is on; null when none is. Under lock. */
    private Runnable gone;

    /** One read made by a watcher thread; its fields are written and read under the lock. */
    private static final class Read {
        private Thread thread;
        private boolean done;
        private byte[] bytes;
        private RuntimeException failure;

        /** The end of the stream or a broken connection; a read timeout is neither. */
        boolean clientLeft() {
            return bytes == null && !timedOut(failure);
        }
    }

    WatchableSocket(HelidonSocket socket) {
        this.socket = socket;
    }

    /** Helidon's next bytes; null at the end of the stream. */
    @Override
    public byte[] get() {
        Read read = takePending();
        if (read == null) {
            return readSocket();
        }
        if (read.failure != null) {
            throw read.failure;
        }
        return read.bytes;
    }

    /**
     * Starts watching, unless this connection cannot be watched without reading further: the client already sent
     * more than this request. {@code onGone} runs at once when the client had already left.
     */
    ClientWatch.Watch watch(Runnable onGone) {
        lock.lock();
        try {
            return watchLocked(onGone);
        } finally {
            lock.unlock();
        }
    }

    private ClientWatch.Watch watchLocked(Runnable onGone) {
        if (pending == null) {
            Read read = new Read();
            pending = read;
            gone = onGone;
            read.thread = Thread.ofVirtual().name("client-watch").unstarted(() -> watcher(read));
            read.thread.start();
        } else if (!pending.done) {
            // The previous watch's read still runs (this request was pipelined behind that one, or is a keep-alive
            // request that arrived in the buffered bytes): it serves this watch too.
            gone = onGone;
        } else {
            if (pending.clientLeft()) {
                onGone.run();
            }
            return NOTHING;
        }
        return () -> end(onGone);
    }

    private void end(Runnable onGone) {
        lock.lock();
        try {
            if (gone == onGone) {
                gone = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean watching() {
        lock.lock();
        try {
            return gone != null;
        } finally {
            lock.unlock();
        }
    }

    private void watcher(Read read) {
        byte[] bytes = null;
        RuntimeException failure = null;
        while (true) {
            try {
                bytes = readSocket();
                break;
            } catch (Error e) {
                // Handed on all the same: a read that never completes would leave the connection's thread waiting.
                failure = new ServerConnectionException("Failed to get data from socket", e);
                break;
            } catch (RuntimeException e) {
                if (timedOut(e) && watching()) {
                    // A read timeout during the generation says nothing about the client; the next read, once the
                    // watch is over, still times out as Helidon's own read would have.
                    continue;
                }
                failure = e;
                break;
            }
        }
        lock.lock();
        try {
            read.bytes = bytes;
            read.failure = failure;
            read.done = true;
            readDone.signalAll();
            if (read.clientLeft() && gone != null) {
                Runnable callback = gone;
                gone = null;
                callback.run();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The watcher's read once it is done (waiting for it if needed), leaving none pending; null when there is none. */
    private Read takePending() {
        // Only the connection's own thread sets and clears pending (it starts watches and makes every get), so it
        // reads its own write here: a read that no watch preceded costs no lock.
        if (pending == null) {
            return null;
        }
        lock.lock();
        try {
            return takePendingLocked();
        } finally {
            lock.unlock();
        }
    }

    private Read takePendingLocked() {
        Read read = pending;
        if (read == null) {
            return null;
        }
        boolean interrupted = false;
        while (!read.done) {
            try {
                readDone.await();
            } catch (InterruptedException e) {
                // Helidon interrupts a connection waiting for its next request to end it (idle, shutdown). The read
                // it waits for is the watcher's: interrupting that one closes the socket, as interrupting a read on
                // this thread would have, and its failure is what this thread then gets.
                interrupted = true;
                read.thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        pending = null;
        return read;
    }

    /** A socket read with the failures mapped as Helidon maps its own reads. */
    private byte[] readSocket() {
        try {
            return socket.get();
        } catch (UncheckedIOException e) {
            throw new ServerConnectionException("Failed to get data from socket", e);
        }
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
