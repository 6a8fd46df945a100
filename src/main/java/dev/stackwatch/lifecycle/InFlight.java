package dev.stackwatch.lifecycle;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One API request being served, and its cancellation token: when the drain deadline passes, {@link Lifecycle} cancels
 * it. Cancelling interrupts the request's thread only while it waits on a provider ({@link #interruptibly}), never
 * while it writes to the client ({@link #uninterruptibly}): an interrupt during a socket write closes the socket, and
 * the client must receive an explicit error rather than a cut connection.
 */
public final class InFlight implements AutoCloseable {
    private final Lifecycle lifecycle;
    private final Thread thread = Thread.currentThread();
    /** Held by the request thread while it writes and while it enters or leaves a provider call. */
    private final ReentrantLock lock = new ReentrantLock();
    private boolean interruptible;
    private volatile boolean cancelled;

    InFlight(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Whether the drain deadline ended this request. */
    boolean cancelled() {
        return cancelled;
    }

    /**
     * Runs provider work that the drain deadline may interrupt; whatever it throws after a cancellation becomes a
     * {@link DrainDeadlineException}. No interrupt of ours is left pending once this returns.
     */
    public <T> T interruptibly(Supplier<T> work) {
        lock.lock();
        try {
            interruptible = true;
        } finally {
            lock.unlock();
        }
        try {
            // Checked after marking interruptible: a cancel that could not interrupt us has set the flag by now.
            throwIfCancelled(null);
            return work.get();
        } catch (DrainDeadlineException e) {
            throw e;
        } catch (RuntimeException e) {
            throwIfCancelled(e);
            throw e;
        } finally {
            lock.lock();
            try {
                interruptible = false;
                if (cancelled) {
                    Thread.interrupted();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Writes to the client inside {@link #interruptibly}: never interrupted, and refused once cancelled. */
    public void uninterruptibly(Runnable write) {
        lock.lock();
        try {
            throwIfCancelled(null);
            write.run();
        } finally {
            lock.unlock();
        }
        // A cancel that arrived during the write could not interrupt; stop here instead of waiting for the provider.
        throwIfCancelled(null);
    }

    /** Ends the request at the next safe point; interrupts its thread now if it is waiting on a provider. */
    void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        // Not waiting for the lock: the holder is writing and sees the flag right after (see uninterruptibly).
        if (lock.tryLock()) {
            try {
                if (interruptible) {
                    thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void throwIfCancelled(RuntimeException cause) {
        if (cancelled) {
            throw new DrainDeadlineException(cause);
        }
    }

    @Override
    public void close() {
        lifecycle.finished(this);
    }
}
