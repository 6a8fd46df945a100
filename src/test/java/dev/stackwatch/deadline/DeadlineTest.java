package dev.stackwatch.deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A deadline interrupts a blocked reader once, and leaves no interrupt behind for whatever the thread does next. The
 * class timeout turns a deadline that never fires into a failure instead of a hang.
 */
@Timeout(10)
class DeadlineTest {
    private final DeadlineTimer timer = new DeadlineTimer("test-deadlines");

    @AfterEach
    void stop() {
        timer.close();
    }

    @Test
    void aPassedDeadlineInterruptsTheBlockedThreadAndCloseClearsTheFlag() {
        Deadline deadline = timer.arm(Duration.ofMillis(50));
        try (deadline) {
            assertThrows(InterruptedException.class, () -> new LinkedBlockingQueue<>().take(),
                    "blocked until the deadline interrupts");
        }
        assertTrue(deadline.fired());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void aDeadlineClosedInTimeNeverFires() {
        Deadline deadline = timer.arm(Duration.ofHours(1));
        deadline.close();
        assertFalse(deadline.fired());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void manyDeadlinesShareOneTimerAndOnlyTheDueOneFires() throws Exception {
        List<Deadline> early = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            early.add(timer.arm(Duration.ofHours(1)));
        }
        Deadline due = timer.arm(Duration.ofMillis(20));
        try (due) {
            assertThrows(InterruptedException.class, () -> new LinkedBlockingQueue<>().take());
        }
        early.forEach(Deadline::close);
        assertEquals(List.of(false), early.stream().map(Deadline::fired).distinct().toList());
        assertTrue(due.fired());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void deadlinesArmedFromManyThreadsAtOnceAllFire() throws Exception {
        // Each arm races the timer's sweep: one the sweep misses must still wake it.
        List<Thread> readers = new ArrayList<>();
        LinkedBlockingQueue<Boolean> fired = new LinkedBlockingQueue<>();
        for (int i = 0; i < 16; i++) {
            readers.add(Thread.ofVirtual().start(() -> {
                for (int round = 0; round < 50; round++) {
                    Deadline deadline = timer.arm(Duration.ofMillis(1 + round % 3));
                    try (deadline) {
                        new LinkedBlockingQueue<>().take();
                    } catch (InterruptedException expected) {
                        // the deadline's interrupt
                    }
                    fired.add(deadline.fired());
                }
            }));
        }
        for (Thread reader : readers) {
            reader.join();
        }
        assertEquals(800, fired.size());
        assertEquals(List.of(true), fired.stream().distinct().toList());
    }

    @Test
    void aTimerWithNothingArmedSleepsUntilSomethingIs() {
        // A name of its own: other tests' timers, some just closed and still exiting, are called test-deadlines.
        String name = "idle-deadlines-" + System.nanoTime();
        try (DeadlineTimer idle = new DeadlineTimer(name)) {
            Thread sweeper = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals(name)).findFirst().orElseThrow();
            // Closing a deadline never wakes the timer: it wakes once at the closed one's moment, then finds none left.
            idle.arm(Duration.ofMillis(20)).close();
            Polling.await(Duration.ofSeconds(5), "the timer parked with no wake-up scheduled",
                    () -> sweeper.getState() == Thread.State.WAITING);
            idle.arm(Duration.ofHours(1));
            Polling.await(Duration.ofSeconds(5), "the timer waits towards the armed deadline",
                    () -> sweeper.getState() == Thread.State.TIMED_WAITING);
        }
    }

    @Test
    void anAlarmRunsItsActionOnceDueAndLeavesTheClosingThreadsInterruptAlone() throws Exception {
        LinkedBlockingQueue<Thread> ran = new LinkedBlockingQueue<>();
        Deadline alarm = timer.alarm(Duration.ofMillis(20), () -> ran.add(Thread.currentThread()));
        Thread runner = ran.take();
        assertTrue(alarm.fired());
        assertFalse(runner == Thread.currentThread(), "the action runs on the timer's thread");
        Thread.currentThread().interrupt();
        alarm.close();
        assertTrue(Thread.interrupted(), "closing an alarm that went off clears no interrupt of the closer");
        assertEquals(0, ran.size());
    }

    @Test
    void anAlarmClosedInTimeNeverRuns() throws Exception {
        LinkedBlockingQueue<String> ran = new LinkedBlockingQueue<>();
        Deadline early = timer.alarm(Duration.ofMillis(30), () -> ran.add("early"));
        early.close();
        timer.alarm(Duration.ofMillis(80), () -> ran.add("due"));
        assertEquals("due", ran.take(), "the timer ran past the closed alarm's place");
        assertFalse(early.fired());
        assertEquals(0, ran.size());
    }
}
