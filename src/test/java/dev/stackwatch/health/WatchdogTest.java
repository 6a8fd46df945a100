package dev.stackwatch.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class WatchdogTest {
    @Test
    void passesWhenNewVirtualThreadsRun() {
        assertEquals(Check.pass(Watchdog.CHECK), Watchdog.virtualThreads(Duration.ofSeconds(5)).check());
    }

    @Test
    void failsWithinItsBoundWhenNewWorkNeverStarts() {
        Watchdog wedged = new Watchdog(task -> { }, Duration.ofMillis(200));
        long start = System.nanoTime();
        Check check = wedged.check();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Check.fail(Watchdog.CHECK, "a new task did not start within 200 ms"), check);
        assertTrue(tookMs >= 200 && tookMs < 2000, "took " + tookMs + " ms");
    }

    @Test
    void failsWhenNewWorkIsRejected() {
        Watchdog rejecting = new Watchdog(task -> {
            throw new RejectedExecutionException("shut down");
        }, Duration.ofSeconds(1));
        assertEquals(Check.fail(Watchdog.CHECK, "new tasks are rejected: shut down"), rejecting.check());
    }
}
