package dev.stackwatch.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interrupts the calling thread if it is still inside the guarded read after {@code timeout}. Helidon serves each
 * connection on its own virtual thread, and interrupting a virtual thread blocked in a socket read closes the
 * socket: that is how a client trickling headers or a body is cut off (Helidon's own read timeout is not applied to
 * server sockets, and its idle check only interrupts connections waiting for a request line). The watchdog is a
 * sleeping virtual thread, so a deadline costs no platform thread and needs no shutdown.
 */
public final class ReadDeadline implements AutoCloseable {
    private static final int ARMED = 0;
    /** Between deciding to fire and the interrupt having been delivered. */
    private static final int FIRING = 1;
    private static final int FIRED = 2;
    private static final int DISARMED = 3;

    private final AtomicInteger state = new AtomicInteger(ARMED);
    private final Thread watchdog;

    private ReadDeadline(Thread target, Duration timeout) {
        this.watchdog = Thread.ofVirtual().name("read-deadline").start(() -> {
            try {
                Thread.sleep(timeout);
            } catch (InterruptedException disarmed) {
                return;
            }
            if (state.compareAndSet(ARMED, FIRING)) {
                target.interrupt();
                state.set(FIRED);
            }
        });
    }

    /** Arms a deadline for the current thread; close it when the read is done. */
    public static ReadDeadline arm(Duration timeout) {
        return new ReadDeadline(Thread.currentThread(), timeout);
    }

    /** True when the deadline passed and interrupted the reader. */
    public boolean fired() {
        int s = state.get();
        return s == FIRING || s == FIRED;
    }

    @Override
    public void close() {
        if (state.compareAndSet(ARMED, DISARMED)) {
            watchdog.interrupt();
        } else {
            // It fired after the read finished: wait until the interrupt has landed (the watchdog sets FIRED right
            // after delivering it), then clear it so it cannot hit whatever this thread does next.
            while (state.get() == FIRING) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
        }
    }
}
