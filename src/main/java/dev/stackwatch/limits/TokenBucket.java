package dev.stackwatch.limits;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code capacity} requests, refilled at {@code perSecond}. The clock is injected so tests
 * can step time instead of sleeping. A lock, not {@code synchronized}, so virtual threads do not pin their carrier.
 */
final class TokenBucket {
    private static final double NANOS_PER_SECOND = 1e9;

    private final double capacity;
    private final double perNano;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private double tokens;
    private long last;

    TokenBucket(int capacity, double perSecond, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.perNano = perSecond / NANOS_PER_SECOND;
        this.nanoClock = nanoClock;
        this.tokens = capacity;
        this.last = nanoClock.getAsLong();
    }

    /** Takes one token; 0 when taken, otherwise the whole seconds (at least 1) until one will be there. */
    long tryTake() {
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / NANOS_PER_SECOND));
        } finally {
            lock.unlock();
        }
    }
}
