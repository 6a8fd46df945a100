package dev.stackwatch.health;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Liveness: proves that new work still gets to run, by handing a no-op task to the executor requests run on and
 * waiting a short bound for it. A server whose carrier threads are all pinned or deadlocked fails this and gets restarted.
 */
public final class Watchdog {
    static final String CHECK = "scheduler";

    private final Executor executor;
    private final Duration bound;

    public Watchdog(Executor executor, Duration bound) {
        this.executor = executor;
        this.bound = bound;
    }

    /** Watches the virtual-thread scheduler, which serves every request. */
    public static Watchdog virtualThreads(Duration bound) {
        return new Watchdog(task -> Thread.ofVirtual().name("watchdog").start(task), bound);
    }

    public Check check() {
        CountDownLatch ran = new CountDownLatch(1);
        try {
            executor.execute(ran::countDown);
            if (ran.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                return Check.pass(CHECK);
            }
            return Check.fail(CHECK, "a new task did not start within " + bound.toMillis() + " ms");
        } catch (RejectedExecutionException e) {
            return Check.fail(CHECK, "new tasks are rejected: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.fail(CHECK, "interrupted while waiting for a new task to start");
        }
    }
}
