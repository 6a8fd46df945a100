package dev.stackwatch.provider.http;

import dev.stackwatch.inference.CircuitState;
import dev.stackwatch.inference.ProviderException;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closed / open / half-open breaker for one upstream. After {@code threshold} consecutive failures it opens and calls
 * fail at once for {@code openFor}; then one probe call is let through (half-open): its first byte of a good answer
 * closes it (so a long stream never holds every other call off), a failure opens it again. Failing fast keeps a dead
 * upstream from holding every client for a full timeout.
 *
 * <p>Background health checks close it too, so readiness heals without API traffic (an unready pod gets none): a
 * passing check closes a half-open circuit, and an open one as soon as a check has seen the upstream fail since it
 * opened and then pass, i.e. recover. A check passing while the circuit is freshly open proves less (the model list
 * may answer while generation fails), so that waits for {@code openFor}. Every transition is logged once.
 */
public final class CircuitBreaker {
    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final String providerId;
    private final int threshold;
    private final Duration openFor;
    private final LongSupplier nanoClock;
    private CircuitState state = CircuitState.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private boolean probeInFlight;
    private String lastFailure;
    /** A health check failed since the circuit last opened: the next passing one shows the upstream recovered. */
    private boolean checkFailedWhileOpen;

    public CircuitBreaker(String providerId, int threshold, Duration openFor, LongSupplier nanoClock) {
        this.providerId = providerId;
        this.threshold = threshold;
        this.openFor = openFor;
        this.nanoClock = nanoClock;
    }

    /** Lets a call through or throws a 503-kind ProviderException with a Retry-After while the circuit is open. */
    public synchronized void acquire() {
        if (state == CircuitState.OPEN) {
            long waited = nanoClock.getAsLong() - openedAt;
            if (waited < openFor.toNanos()) {
                throw rejection(Duration.ofNanos(openFor.toNanos() - waited));
            }
            moveTo(CircuitState.HALF_OPEN, "open for " + openFor.toMillis() + " ms; letting one probe call through");
        }
        if (state == CircuitState.HALF_OPEN) {
            if (probeInFlight) {
                throw rejection(Duration.ofSeconds(1));
            }
            probeInFlight = true;
        }
    }

    public synchronized void success() {
        close("a call succeeded");
    }

    /**
     * The upstream began a good answer (its first token or relayed byte). A probe has then proved the upstream, so
     * the circuit closes now rather than when a stream that may last minutes ends.
     */
    public synchronized void answered() {
        if (state == CircuitState.HALF_OPEN) {
            close("the probe call got its first byte of a good answer");
        }
    }

    public synchronized void failure(String why) {
        consecutiveFailures++;
        lastFailure = why;
        if (state == CircuitState.HALF_OPEN) {
            open("the probe call failed: " + why);
        } else if (consecutiveFailures >= threshold) {
            if (state == CircuitState.CLOSED) {
                open(consecutiveFailures + " consecutive failures; last: " + why);
            } else {
                openedAt = nanoClock.getAsLong();
            }
        }
        probeInFlight = false;
    }

    /** A background health check reached the upstream: closes the circuit as the class comment says. */
    public synchronized void healthCheckPassed() {
        if (state == CircuitState.CLOSED) {
            return;
        }
        if (state() == CircuitState.HALF_OPEN) {
            close("a health check passed after the open period");
        } else if (checkFailedWhileOpen) {
            close("a health check passed after failing while the circuit was open: the upstream recovered");
        }
    }

    /** A background health check could not reach the upstream. */
    public synchronized void healthCheckFailed() {
        if (state != CircuitState.CLOSED) {
            checkFailedWhileOpen = true;
        }
    }

    /** The call ended without telling anything about the upstream (e.g. the client left); a probe may be retried. */
    public synchronized void neutral() {
        probeInFlight = false;
    }

    public synchronized CircuitState state() {
        if (state == CircuitState.OPEN && nanoClock.getAsLong() - openedAt >= openFor.toNanos()) {
            return CircuitState.HALF_OPEN;
        }
        return state;
    }

    /** A one-line account for health messages: the state and, unless closed, why. */
    public synchronized String describe() {
        CircuitState now = state();
        return now == CircuitState.CLOSED ? "circuit closed"
                : "circuit " + now.name().toLowerCase().replace('_', '-') + " after " + consecutiveFailures
                        + " consecutive failures; last: " + lastFailure;
    }

    private void open(String why) {
        openedAt = nanoClock.getAsLong();
        checkFailedWhileOpen = false;
        moveTo(CircuitState.OPEN, why);
    }

    private void close(String why) {
        consecutiveFailures = 0;
        probeInFlight = false;
        if (state != CircuitState.CLOSED) {
            moveTo(CircuitState.CLOSED, why);
        }
    }

    private void moveTo(CircuitState next, String why) {
        state = next;
        switch (next) {
            case OPEN -> LOG.warn("circuit of provider {} opened: {}", providerId, why);
            case HALF_OPEN -> LOG.info("circuit of provider {} half-open: {}", providerId, why);
            case CLOSED -> LOG.info("circuit of provider {} closed: {}", providerId, why);
        }
    }

    private ProviderException rejection(Duration retryAfter) {
        return new ProviderException(ProviderException.Kind.UNAVAILABLE, providerId, "upstream circuit is open after "
                + consecutiveFailures + " consecutive failures (last: " + lastFailure + "); failing fast for "
                + openFor.toMillis() + " ms before probing again", null, retryAfter);
    }
}
