package dev.stackwatch.provider.http;

import dev.stackwatch.inference.ProviderException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code maxConcurrency} calls to one upstream at a time and at most {@code maxQueue} waiting; beyond that, or
 * after waiting {@code queueTimeout}, a 429-kind ProviderException with Retry-After. An inference server that queues
 * without bound turns a burst into minutes of latency for everyone; rejecting early lets clients back off.
 */
public final class Bulkhead {
    /** What clients are told to wait before retrying when the queue is full. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final String providerId;
    private final int maxConcurrency;
    private final int maxQueue;
    private final Duration queueTimeout;
    private final Semaphore permits;
    private final AtomicInteger waiting = new AtomicInteger();

    public Bulkhead(String providerId, int maxConcurrency, int maxQueue, Duration queueTimeout) {
        this.providerId = providerId;
        this.maxConcurrency = maxConcurrency;
        this.maxQueue = maxQueue;
        this.queueTimeout = queueTimeout;
        this.permits = new Semaphore(maxConcurrency, true);
    }

    public void acquire() {
        if (permits.tryAcquire()) {
            return;
        }
        if (waiting.incrementAndGet() > maxQueue) {
            waiting.decrementAndGet();
            throw rejected("all " + maxConcurrency + " upstream slots are busy and the queue (max_queue " + maxQueue
                    + ") is full");
        }
        try {
            if (!permits.tryAcquire(queueTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw rejected("waited " + queueTimeout.toMillis() + " ms (queue_timeout_ms) for one of "
                        + maxConcurrency + " upstream slots");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, providerId, "interrupted while queued");
        } finally {
            waiting.decrementAndGet();
        }
    }

    public void release() {
        permits.release();
    }

    public int inFlight() {
        return maxConcurrency - permits.availablePermits();
    }

    public int queued() {
        return waiting.get();
    }

    private ProviderException rejected(String why) {
        return new ProviderException(ProviderException.Kind.RATE_LIMITED, providerId, why, null, RETRY_AFTER);
    }
}
