package dev.stackwatch.provider.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.inference.ProviderException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's state machine on a hand-driven clock, so the open period needs no waiting. */
class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong();
    private final CircuitBreaker breaker = new CircuitBreaker("p", 3, Duration.ofSeconds(10), now::get);

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquire();
            breaker.failure("boom " + i);
        }
    }

    @Test
    void opensAfterConsecutiveFailuresOnly() {
        fail(2);
        breaker.acquire();
        breaker.success();
        fail(2);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "a success resets the count");
        fail(1);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        ProviderException e = assertThrows(ProviderException.class, breaker::acquire);
        assertEquals(ProviderException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("last: boom 0"), e.getMessage());
        assertEquals(Duration.ofSeconds(10), e.retryAfter().orElseThrow());
    }

    @Test
    void halfOpenLetsOneProbeThroughAndClosesOnSuccess() {
        fail(3);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
        breaker.acquire();
        assertThrows(ProviderException.class, breaker::acquire, "only one probe at a time");
        breaker.success();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        breaker.acquire();
    }

    @Test
    void aFailedProbeOpensAgainAndANeutralOneFreesTheProbe() {
        fail(3);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        breaker.acquire();
        breaker.neutral();
        breaker.acquire();
        breaker.failure("still down");
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertTrue(breaker.describe().contains("still down"), breaker.describe());
    }
}
