package dev.stackwatch.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.Polling;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final Lifecycle lifecycle = new Lifecycle();

    /** Runs a request on its own thread, as the server does; returns what it threw, or null. */
    private CompletableFuture<Throwable> request(RunnableWithInFlight body) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InFlight r = lifecycle.admit().orElseThrow()) {
                body.run(r);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return outcome;
    }

    interface RunnableWithInFlight {
        void run(InFlight request) throws Exception;
    }

    @Test
    void refusesNewRequestsOnceDrainingAndDrainsAtOnceWhenIdle() {
        lifecycle.admit().orElseThrow().close();
        DrainResult result = lifecycle.drain(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertTrue(lifecycle.isDraining());
        assertTrue(lifecycle.admit().isEmpty());
        assertEquals(new DrainResult(0, 0, 0, result.took()), result);
        assertTrue(result.took().toMillis() < 1000, result.toString());
    }

    @Test
    void waitsForRunningRequestsToFinish() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = request(r -> {
            running.countDown();
            finish.await();
        });
        running.await();
        CompletableFuture<DrainResult> drain = CompletableFuture.supplyAsync(
                () -> lifecycle.drain(Duration.ofSeconds(20), Duration.ofSeconds(1)));
        Polling.await(Duration.ofSeconds(5), "draining to begin", lifecycle::isDraining);
        assertFalse(drain.isDone(), "drain returned while a request was running");
        finish.countDown();
        DrainResult result = drain.get(10, TimeUnit.SECONDS);
        assertEquals(1, result.inFlightAtStart());
        assertEquals(0, result.cancelled());
        assertEquals(0, result.abandoned());
        assertEquals(null, outcome.get(5, TimeUnit.SECONDS));
    }

    @Test
    void theDeadlineInterruptsAProviderWaitAndLeavesNoInterruptBehind() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        CompletableFuture<Throwable> outcome = request(r -> {
            try {
                r.interruptibly(() -> {
                    waiting.countDown();
                    try {
                        Thread.sleep(Duration.ofMinutes(5));
                        return null;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("provider interrupted");
                    }
                });
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        waiting.await();
        DrainResult result = lifecycle.drain(Duration.ofMillis(100), Duration.ofSeconds(5));
        assertEquals(1, result.cancelled());
        assertEquals(0, result.abandoned());
        Throwable thrown = outcome.get(5, TimeUnit.SECONDS);
        assertInstanceOf(DrainDeadlineException.class, thrown);
        assertInstanceOf(IllegalStateException.class, thrown.getCause());
        assertFalse(interruptedAfter.get(), "an interrupt was left pending for the error event's write");
    }

    @Test
    void aWriteInProgressIsNeverInterruptedAndTheRequestStopsRightAfterIt() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<InFlight> current = new AtomicReference<>();
        AtomicBoolean writeCompleted = new AtomicBoolean();
        CompletableFuture<Throwable> outcome = request(r -> {
            current.set(r);
            r.interruptibly(() -> {
                r.uninterruptibly(() -> {
                    writing.countDown();
                    try {
                        release.await(); // an interrupt here would throw
                        writeCompleted.set(true);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("write interrupted");
                    }
                });
                // a provider that would wait a long time for its next token
                try {
                    Thread.sleep(Duration.ofMinutes(5));
                } catch (InterruptedException e) {
                    throw new IllegalStateException("provider interrupted");
                }
                return null;
            });
        });
        writing.await();
        CompletableFuture<DrainResult> drain = CompletableFuture.supplyAsync(
                () -> lifecycle.drain(Duration.ofMillis(50), Duration.ofSeconds(5)));
        Polling.await(Duration.ofSeconds(5), "the request to be cancelled", () -> current.get().cancelled());
        release.countDown();
        Throwable thrown = outcome.get(5, TimeUnit.SECONDS);
        assertTrue(writeCompleted.get(), "the write was interrupted");
        assertInstanceOf(DrainDeadlineException.class, thrown);
        assertEquals(null, thrown.getCause(), "stopped after the write, not by interrupting the provider");
        assertEquals(1, drain.get(5, TimeUnit.SECONDS).cancelled());
    }

    @Test
    void aClientThatLeavesInterruptsTheProviderAndTheRequestFailsAsClientLeft() throws Exception {
        AtomicReference<Runnable> gone = new AtomicReference<>();
        AtomicReference<RuntimeException> seenByTheProvidersObserver = new AtomicReference<>();
        CountDownLatch generating = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InFlight r = lifecycle.admit(g -> {
                gone.set(g);
                return () -> gone.set(null);
            }).orElseThrow()) {
                r.whileClientWaits(e -> new IllegalArgumentException("client left", e), () -> {
                    generating.countDown();
                    try {
                        Thread.sleep(Duration.ofMinutes(5)); // a provider generating a long answer
                    } catch (InterruptedException e) {
                        RuntimeException failure = new IllegalStateException("provider interrupted");
                        seenByTheProvidersObserver.set(lifecycle.failureOnThisThread(failure));
                        throw failure;
                    }
                    return null;
                });
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(Thread.currentThread().isInterrupted() ? new AssertionError("interrupt left set") : t);
            }
        });
        generating.await();
        gone.get().run();
        Throwable thrown = outcome.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IllegalArgumentException.class, thrown);
        assertEquals("provider interrupted", thrown.getCause().getMessage());
        assertInstanceOf(IllegalArgumentException.class, seenByTheProvidersObserver.get(),
                "on the request's thread, the provider's failure is known to be the client leaving");
        assertEquals(null, gone.get(), "the watch ended");
    }

    @Test
    void aClientAlreadyGoneWhenTheWatchStartsIsNeverGenerated() throws Exception {
        AtomicBoolean generated = new AtomicBoolean();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InFlight r = lifecycle.admit(g -> {
                g.run();
                return () -> { };
            }).orElseThrow()) {
                r.whileClientWaits(e -> new IllegalArgumentException("client left", e), () -> {
                    generated.set(true);
                    return null;
                });
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        assertInstanceOf(IllegalArgumentException.class, outcome.get(10, TimeUnit.SECONDS));
        assertFalse(generated.get());
    }
}
