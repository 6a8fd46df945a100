package dev.stackwatch.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** The deadline interrupts a blocked reader once, and leaves no interrupt behind for whatever the thread does next. */
class ReadDeadlineTest {

    @Test
    void aPassedDeadlineInterruptsTheBlockedThreadAndCloseClearsTheFlag() {
        ReadDeadline deadline = ReadDeadline.arm(Duration.ofMillis(50));
        try (deadline) {
            assertThrows(InterruptedException.class, () -> new LinkedBlockingQueue<>().take(),
                    "blocked until the deadline interrupts");
        }
        assertTrue(deadline.fired());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void aDeadlineClosedInTimeNeverFires() {
        ReadDeadline deadline = ReadDeadline.arm(Duration.ofHours(1));
        deadline.close();
        assertFalse(deadline.fired());
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
