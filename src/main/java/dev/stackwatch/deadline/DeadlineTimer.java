package dev.stackwatch.deadline;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the {@link Deadline}s of many reads on one daemon thread, which sleeps until the earliest armed one is due.
 * Arming one is a set insert that wakes the thread only when the new deadline is earlier than the one it sleeps
 * towards, and disarming is a removal that never wakes it. Timeouts are seconds long and reads mostly end well
 * before theirs, so under load the thread wakes a few times a second (each time the earliest deadline's moment
 * passes, whether or not it was disarmed meanwhile), and an idle server's not at all. Two earlier designs cost more:
 * a timer that woke for each new earliest deadline (a ScheduledThreadPoolExecutor) cost a context switch for most
 * reads when relaying streams, which arm one deadline per read; a sweep every 10 ms cost 100 wake-ups a second,
 * about 1.5 % of the CPU at 500 requests per second and as much on an idle server.
 */
public final class DeadlineTimer implements AutoCloseable {
    /** A wait longer than any deadline: the sleep of a timer with nothing armed. */
    private static final long NEVER = Long.MAX_VALUE >> 2;

    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private final Thread sweeper;
    /**
     * {@link System#nanoTime()} the sweeper sleeps until. While it sweeps, NEVER from now: a deadline armed then,
     * which the sweep may not see, wakes it again.
     */
    private volatile long wakeAt;
    private volatile boolean closed;

    public DeadlineTimer(String name) {
        this.wakeAt = System.nanoTime() + NEVER;
        this.sweeper = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /**
     * A deadline for the calling thread, which must be a virtual thread for the interrupt to end a blocked socket read
     * (a platform thread is only marked interrupted).
     */
    public Deadline arm(Duration timeout) {
        return armed(new Deadline(Thread.currentThread(), System.nanoTime() + timeout.toNanos(), armed));
    }

    /**
     * Runs {@code action} on the timer's thread once {@code delay} has passed, unless the returned alarm is closed
     * first; closing it after the action started waits for the action to finish. The action must be short.
     */
    public Deadline alarm(Duration delay, Runnable action) {
        return armed(new Deadline(null, action, System.nanoTime() + delay.toNanos(), armed));
    }

    private Deadline armed(Deadline deadline) {
        armed.add(deadline);
        // Read after the insert: either the sweep in progress sees the new deadline, or this reads the wake-up it
        // planned without it.
        if (deadline.due() - wakeAt < 0) {
            LockSupport.unpark(sweeper);
        }
        return deadline;
    }

    private void run() {
        while (!closed) {
            long now = System.nanoTime();
            wakeAt = now + NEVER;
            long next = now + NEVER;
            for (Deadline deadline : armed) {
                if (!deadline.fireIfDue(now) && deadline.due() - next < 0) {
                    next = deadline.due();
                }
            }
            wakeAt = next;
            // An unpark since the sweep began (an earlier deadline armed) makes either return at once.
            if (next - now == NEVER) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, next - now);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sweeper);
    }
}
