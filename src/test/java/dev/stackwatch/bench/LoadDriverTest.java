package dev.stackwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The two load shapes with a stand-in sender that blocks until the test lets it go, so concurrency is observed, not
 * inferred from timing: open loop keeps sending on schedule while earlier requests hang; closed loop never has more
 * than N in flight. Blocking waits are bounded; a timeout reports the request as failed, which fails the test.
 */
class LoadDriverTest {
    private static final long WAIT_SECONDS = 30;

    private static BenchOptions options(int concurrency, double rate, long requests) {
        return new BenchOptions(URI.create("http://unused/v1"), "m", concurrency, rate, false, null, requests,
                TokenRange.parse("4"), TokenRange.parse("4"), Duration.ofSeconds(5), null, null, false);
    }

    /** Tracks how many sends are inside at once. */
    private static final class InFlight {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();

        void enter() {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void leave() {
            now.decrementAndGet();
        }
    }

    private static Outcome ok(long intended) {
        return new Outcome(intended, 0, System.nanoTime(), 4, new long[0], 200, null);
    }

    @Test
    void openLoopSendsOnScheduleWhileEveryEarlierRequestIsStillRunning() {
        int requests = 10;
        CountDownLatch allStarted = new CountDownLatch(requests);
        ConcurrentLinkedQueue<Long> intended = new ConcurrentLinkedQueue<>();
        InFlight inFlight = new InFlight();
        BenchStats stats = new BenchStats();
        RequestSender hanging = (due, prompt, maxTokens) -> {
            inFlight.enter();
            intended.add(due);
            allStarted.countDown();
            try {
                // No request finishes until all have started: only an open loop gets past this.
                return allStarted.await(WAIT_SECONDS, TimeUnit.SECONDS) ? ok(due) : Outcome.failed(due, 0, "stuck");
            } catch (InterruptedException e) {
                return Outcome.failed(due, 0, "interrupted");
            } finally {
                inFlight.leave();
            }
        };
        long start = System.nanoTime();
        new LoadDriver(options(0, 100, requests), hanging, stats).run(start);

        assertEquals(requests, stats.totals(start).succeeded());
        assertEquals(requests, inFlight.max.get(), "all ten in flight at once");
        List<Long> due = intended.stream().sorted().toList();
        for (int i = 0; i < requests; i++) {
            assertEquals(start + i * 10_000_000L, due.get(i), "request " + i + " is timed from its scheduled slot");
        }
    }

    @Test
    void closedLoopKeepsExactlyConcurrencyRequestsInFlight() {
        int concurrency = 3;
        CyclicBarrier together = new CyclicBarrier(concurrency);
        InFlight inFlight = new InFlight();
        BenchStats stats = new BenchStats();
        RequestSender gathering = (due, prompt, maxTokens) -> {
            inFlight.enter();
            try {
                // Each round of three meets here, proving three run at once; a fourth would have nobody to meet.
                together.await(WAIT_SECONDS, TimeUnit.SECONDS);
                return ok(due);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                return Outcome.failed(due, 0, "barrier");
            } finally {
                inFlight.leave();
            }
        };
        long start = System.nanoTime();
        new LoadDriver(options(concurrency, 0, 12), gathering, stats).run(start);

        assertEquals(12, stats.totals(start).requests());
        assertEquals(12, stats.totals(start).succeeded());
        assertEquals(concurrency, inFlight.max.get());
    }
}
