package dev.stackwatch.provider.http;

import dev.stackwatch.inference.ProviderException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Closed / open / half-open breaker for one upstream. After {@code threshold} consecutive failures it opens and calls
 * fail at once for {@code openFor}; then one probe call is let through (half-open): success closes it, failure opens
 * it again. Failing fast keeps a dead upstream from holding every client for a full timeout.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final String providerId;
    private final int threshold;
    private final Duration openFor;
    private final LongSupplier nanoClock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private boolean probeInFlight;
    private String lastFailure;

    public CircuitBreaker(String providerId, int threshold, Duration openFor, LongSupplier nanoClock) {
        this.providerId = providerId;
        this.threshold = threshold;
        this.openFor = openFor;
        this.nanoClock = nanoClock;
    }

    /** Lets a call through or throws a 503-kind ProviderException with a Retry-After while the circuit is open. */
    public synchronized void acquire() {
        if (state == State.OPEN) {
            long waited = nanoClock.getAsLong() - openedAt;
            if (waited < openFor.toNanos()) {
                throw rejection(Duration.ofNanos(openFor.toNanos() - waited));
            }
            state = State.HALF_OPEN;
        }
        if (state == State.HALF_OPEN) {
            if (probeInFlight) {
                throw rejection(Duration.ofSeconds(1));
            }
            probeInFlight = true;
        }
    }

    public synchronized void success() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        probeInFlight = false;
    }

    public synchronized void failure(String why) {
        consecutiveFailures++;
        lastFailure = why;
        if (state == State.HALF_OPEN || consecutiveFailures >= threshold) {
            state = State.OPEN;
            openedAt = nanoClock.getAsLong();
        }
        probeInFlight = false;
    }

    /** The call ended without telling anything about the upstream (e.g. the client left); a probe may be retried. */
    public synchronized void neutral() {
        probeInFlight = false;
    }

    public synchronized State state() {
        if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= openFor.toNanos()) {
            return State.HALF_OPEN;
        }
        return state;
    }

    /** A one-line account for health messages: the state and, unless closed, why. */
    public synchronized String describe() {
        State now = state();
        return now == State.CLOSED ? "circuit closed"
                : "circuit " + now.name().toLowerCase().replace('_', '-') + " after " + consecutiveFailures
                        + " consecutive failures; last: " + lastFailure;
    }

    private ProviderException rejection(Duration retryAfter) {
        return new ProviderException(ProviderException.Kind.UNAVAILABLE, providerId, "upstream circuit is open after "
                + consecutiveFailures + " consecutive failures (last: " + lastFailure + "); failing fast for "
                + openFor.toMillis() + " ms before probing again", null, retryAfter);
    }
}
