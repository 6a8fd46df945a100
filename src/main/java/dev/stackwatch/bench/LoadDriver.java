package dev.stackwatch.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Issues the requests: a fixed number of virtual threads each sending back to back (closed loop, {@code --concurrency}),
 * or one request per tick of a fixed-rate schedule regardless of how many are still running (open loop, {@code --rate}).
 * Returns once every request it started has finished.
 */
final class LoadDriver {
    private final BenchOptions options;
    private final RequestSender requester;
    private final BenchStats stats;
    private final AtomicLong tickets = new AtomicLong();

    LoadDriver(BenchOptions options, RequestSender requester, BenchStats stats) {
        this.options = options;
        this.requester = requester;
        this.stats = stats;
    }

    void run(long startNanos) {
        long deadline = options.duration() == null ? Long.MAX_VALUE : startNanos + options.duration().toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            if (options.openLoop()) {
                schedule(threads, startNanos, deadline);
            } else {
                for (int i = 0; i < options.concurrency(); i++) {
                    SplittableRandom random = new SplittableRandom(i);
                    threads.submit(() -> {
                        while (System.nanoTime() < deadline && claim()) {
                            sendOne(0, random);
                        }
                    });
                }
            }
        }
    }

    /** Request i is due at start + i/rate; if this thread falls behind it sends at once, still timed from the due time. */
    private void schedule(ExecutorService threads, long startNanos, long deadline) {
        double intervalNanos = 1e9 / options.rate();
        SplittableRandom random = new SplittableRandom(0);
        for (long i = 0; ; i++) {
            long due = startNanos + Math.round(i * intervalNanos);
            if (due >= deadline || !claim()) {
                return;
            }
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            SplittableRandom own = random.split();
            threads.submit(() -> sendOne(due, own));
        }
    }

    private boolean claim() {
        return options.requests() <= 0 || tickets.getAndIncrement() < options.requests();
    }

    /** {@code dueNanos} 0 (closed loop): the clock starts once the request is built, when it is sent. */
    private void sendOne(long dueNanos, SplittableRandom random) {
        String prompt = Prompts.of(options.promptTokens().sample(random), random);
        int maxTokens = options.maxTokens().sample(random);
        stats.sent();
        stats.record(requester.send(dueNanos == 0 ? System.nanoTime() : dueNanos, prompt, maxTokens));
    }
}
