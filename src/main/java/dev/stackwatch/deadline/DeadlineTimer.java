package dev.stackwatch.deadline;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link Deadline}s of many reads on one daemon thread that sweeps the armed ones every {@link #TICK}.
 * Arming and disarming one is a set insert and removal that never wakes the thread. A timer that woke for each new
 * earliest deadline (a ScheduledThreadPoolExecutor) cost a context switch for most reads when relaying streams, which
 * arm one deadline per read. The price is precision: a deadline fires up to one tick after it is due, which is
 * nothing against timeouts of seconds.
 */
public final class DeadlineTimer implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(10);

    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;

    public DeadlineTimer(String name) {
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleAtFixedRate(this::sweep, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A deadline for the calling thread, which must be a virtual thread for the interrupt to end a blocked socket read
     * (a platform thread is only marked interrupted).
     */
    public Deadline arm(Duration timeout) {
        Deadline deadline = new Deadline(Thread.currentThread(), System.nanoTime() + timeout.toNanos(), armed);
        armed.add(deadline);
        return deadline;
    }

    /**
     * Runs {@code action} on the timer's thread once {@code delay} has passed, unless the returned alarm is closed
     * first; closing it after the action started waits for the action to finish. The action must be short.
     */
    public Deadline alarm(Duration delay, Runnable action) {
        Deadline alarm = new Deadline(null, action, System.nanoTime() + delay.toNanos(), armed);
        armed.add(alarm);
        return alarm;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Deadline deadline : armed) {
            deadline.fireIfDue(now);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
