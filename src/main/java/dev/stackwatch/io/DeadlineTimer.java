package dev.stackwatch.io;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Runs the {@link Deadline}s of many reads on one daemon thread. Arming and disarming one is a queue insert and
 * removal: the previous design, a sleeping virtual thread per deadline, cost a thread start, a timer and an interrupt
 * with its exception on every request, twice (headers, then body).
 */
public final class DeadlineTimer implements AutoCloseable {
    private final ScheduledThreadPoolExecutor scheduler;

    public DeadlineTimer(String name) {
        this.scheduler = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        // Nearly every deadline is disarmed long before it is due; keep the queue the size of what is pending.
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * A deadline for the calling thread, which must be a virtual thread for the interrupt to end a blocked socket read
     * (a platform thread is only marked interrupted).
     */
    public Deadline arm(Duration timeout) {
        return new Deadline(Thread.currentThread(), timeout, scheduler);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
