package dev.stackwatch.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the server still takes API requests, and which ones are running: what a graceful shutdown waits for.
 * Readiness reads {@link #isDraining()}; the API admits each request through {@link #admit()}.
 */
public final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
    /** Admission and the start of a drain are ordered by this lock, so no request slips in once draining began. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private volatile boolean draining;
    /** The request each thread serves: a provider call on that thread can learn why it was cancelled. */
    private final ThreadLocal<InFlight> current = new ThreadLocal<>();

    public boolean isDraining() {
        return draining;
    }

    /** Registers the calling thread's request, or nothing once draining has begun. Close what it returns when done. */
    public Optional<InFlight> admit() {
        return admit(ClientWatch.NONE);
    }

    /** Like {@link #admit()}; {@code watch} notices the request's client leaving (see {@link InFlight#whileClientWaits}). */
    public Optional<InFlight> admit(ClientWatch watch) {
        lock.lock();
        try {
            if (draining) {
                return Optional.empty();
            }
            InFlight request = new InFlight(this, watch);
            inFlight.add(request);
            current.set(request);
            return Optional.of(request);
        } finally {
            lock.unlock();
        }
    }

    void finished(InFlight request) {
        if (current.get() == request) {
            current.remove();
        }
        lock.lock();
        try {
            inFlight.remove(request);
            if (inFlight.isEmpty()) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a provider failure on the calling thread means: the failure itself, or, when this thread's request was
     * cancelled (its client left, the drain deadline passed), that cancellation, which is why the provider failed.
     */
    public RuntimeException failureOnThisThread(RuntimeException seen) {
        InFlight request = current.get();
        return request == null ? seen : request.failureOf(seen);
    }

    /**
     * Stops admitting requests, lets running ones finish until {@code timeout}, then cancels the rest and gives them
     * {@code cancelGrace} to tell their clients. Only the first call drains; later ones return at once.
     */
    public DrainResult drain(Duration timeout, Duration cancelGrace) {
        long start = System.nanoTime();
        int atStart;
        lock.lock();
        try {
            if (draining) {
                return new DrainResult(0, 0, inFlight.size(), Duration.ZERO);
            }
            draining = true;
            atStart = inFlight.size();
        } finally {
            lock.unlock();
        }
        LOG.info("draining: refusing new API requests; {} in flight, waiting up to {} ms", atStart, timeout.toMillis());
        int cancelled = 0;
        if (!awaitIdle(timeout)) {
            List<InFlight> late = List.copyOf(inFlight);
            cancelled = late.size();
            LOG.warn("drain timeout of {} ms passed; ending {} requests still in flight", timeout.toMillis(), cancelled);
            late.forEach(InFlight::cancel);
            awaitIdle(cancelGrace);
        }
        DrainResult result = new DrainResult(atStart, cancelled, inFlight.size(), Duration.ofNanos(System.nanoTime() - start));
        LOG.info("drained in {} ms: {} requests in flight at start, {} ended by the deadline, {} abandoned",
                result.took().toMillis(), result.inFlightAtStart(), result.cancelled(), result.abandoned());
        return result;
    }

    private boolean awaitIdle(Duration timeout) {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!inFlight.isEmpty()) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = idle.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return inFlight.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
