package dev.stackwatch.lifecycle;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
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
    /** What a cancelled request fails with, made from what its provider threw; null while it runs. */
    private volatile Function<RuntimeException, RuntimeException> cancelledAs;
    /** The failure this request's thread last threw for its cancellation: passed on as it is, never wrapped. */
    private RuntimeException cancellationThrown;

    /** Notices this request's client leaving while nothing reads or writes its connection. */
    private final ClientWatch watch;

    InFlight(Lifecycle lifecycle, ClientWatch watch) {
        this.lifecycle = lifecycle;
        this.watch = watch;
    }

    /** Whether the drain deadline ended this request. */
    boolean cancelled() {
        return cancelledAs != null;
    }

    /** What the provider's failure {@code seen} means for this request: itself, or why the request was cancelled. */
    RuntimeException failureOf(RuntimeException seen) {
        Function<RuntimeException, RuntimeException> as = cancelledAs;
        return as == null ? seen : as.apply(seen);
    }

    /**
     * Runs provider work that a cancellation may interrupt; whatever it throws after a cancellation becomes the
     * cancellation's failure (a {@link DrainDeadlineException} for the drain deadline). No interrupt of ours is left
     * pending once this returns.
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
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (e != cancellationThrown) {
                    throwIfCancelled(e);
                }
                throw e;
            }
        } finally {
            lock.lock();
            try {
                interruptible = false;
                if (cancelledAs != null) {
                    Thread.interrupted();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Runs provider work whose client waits for the whole answer without its connection being read or written
     * meanwhile (a non-streamed generation): the client leaving cancels the work, which then fails with
     * {@code clientLeft} (also when the work had just finished, so no answer is written to a client that is gone).
     */
    public <T> T whileClientWaits(Function<RuntimeException, RuntimeException> clientLeft, Supplier<T> work) {
        AtomicBoolean left = new AtomicBoolean();
        T result;
        try (ClientWatch.Watch w = watch.start(() -> {
            left.set(true);
            cancel(clientLeft);
        })) {
            result = interruptibly(work);
        }
        if (left.get()) {
            throw clientLeft.apply(null);
        }
        return result;
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
        cancel(DrainDeadlineException::new);
    }

    /** Like {@link #cancel()}, failing the request with {@code as}; the first cancellation wins. */
    private synchronized void cancel(Function<RuntimeException, RuntimeException> as) {
        if (cancelledAs != null) {
            return;
        }
        cancelledAs = as;
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
        Function<RuntimeException, RuntimeException> as = cancelledAs;
        if (as != null) {
            cancellationThrown = as.apply(cause);
            throw cancellationThrown;
        }
    }

    @Override
    public void close() {
        lifecycle.finished(this);
    }
}
