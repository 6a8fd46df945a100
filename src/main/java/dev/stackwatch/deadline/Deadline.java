package dev.stackwatch.deadline;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interrupts its thread if the thread is still inside the guarded read when the timeout passes. Helidon serves each
 * connection on its own virtual thread, and interrupting a virtual thread blocked in a socket read closes the socket:
 * that is how a client trickling headers or a body is cut off (Helidon applies no read timeout to server sockets, and
 * its idle check only interrupts connections waiting for a request line).
 */
public final class Deadline implements AutoCloseable {
    private static final int ARMED = 0;
    /** Between deciding to fire and the interrupt having been delivered. */
    private static final int FIRING = 1;
    private static final int FIRED = 2;
    private static final int DISARMED = 3;

    /** The thread to interrupt; null for an alarm, which runs {@link #action} instead. */
    private final Thread target;
    private final Runnable action;
    /** {@link System#nanoTime()} at which it fires. */
    private final long due;
    /** The timer's armed set, which this leaves when it is disarmed or fires. */
    private final Set<Deadline> armed;
    private final AtomicInteger state = new AtomicInteger(ARMED);

    Deadline(Thread target, long due, Set<Deadline> armed) {
        this(target, null, due, armed);
    }

    Deadline(Thread target, Runnable action, long due, Set<Deadline> armed) {
        this.target = target;
        this.action = action;
        this.due = due;
        this.armed = armed;
    }

    /** True when the deadline passed and interrupted the reader. */
    public boolean fired() {
        int s = state.get();
        return s == FIRING || s == FIRED;
    }

    /**
     * Disarms it; after a fire, clears the interrupt so it cannot hit whatever the thread does next. An alarm's action
     * has either not run or has finished when this returns.
     */
    @Override
    public void close() {
        if (state.compareAndSet(ARMED, DISARMED)) {
            armed.remove(this);
            return;
        }
        // It fired: wait until the interrupt has landed (FIRED is set right after delivering it), then clear it.
        while (state.get() == FIRING) {
            Thread.onSpinWait();
        }
        if (target != null) {
            Thread.interrupted();
        }
    }

    long due() {
        return due;
    }

    /**
     * Equality stays identity; the hash is the moment instead of the identity hash, which the timer's set asked of
     * every new deadline, one a read: a call into the JVM, about a third of what arming one cost in a profile of
     * streams relayed a token per read.
     */
    @Override
    public int hashCode() {
        return Long.hashCode(due);
    }

    /** Fires it if {@code now} is past its moment; true unless it is still to come. */
    boolean fireIfDue(long now) {
        if (now - due < 0) {
            return false;
        }
        if (state.compareAndSet(ARMED, FIRING)) {
            armed.remove(this);
            try {
                if (target != null) {
                    target.interrupt();
                } else {
                    action.run();
                }
            } finally {
                state.set(FIRED);
            }
        }
        return true;
    }
}
