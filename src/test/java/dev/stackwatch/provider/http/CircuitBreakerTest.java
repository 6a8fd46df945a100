package dev.stackwatch.provider.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.stackwatch.inference.CircuitState;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The breaker's state machine on a hand-driven clock, so the open period needs no waiting. */
class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong();
    private final CircuitBreaker breaker = new CircuitBreaker("p", 3, Duration.ofSeconds(10), now::get);

    private final Logger log = (Logger) LoggerFactory.getLogger(CircuitBreaker.class);
    private final LogCapture events = new LogCapture();

    @BeforeEach
    void capture() {
        events.start();
        log.addAppender(events);
    }

    @AfterEach
    void release() {
        log.detachAppender(events);
    }

    private List<String> logged() {
        return events.snapshot().stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

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
        assertEquals(CircuitState.CLOSED, breaker.state(), "a success resets the count");
        fail(1);
        assertEquals(CircuitState.OPEN, breaker.state());
        ProviderException e = assertThrows(ProviderException.class, breaker::acquire);
        assertEquals(ProviderException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("last: boom 0"), e.getMessage());
        assertEquals(Duration.ofSeconds(10), e.retryAfter().orElseThrow());
    }

    @Test
    void halfOpenLetsOneProbeThroughAndClosesOnSuccess() {
        fail(3);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(CircuitState.HALF_OPEN, breaker.state());
        breaker.acquire();
        assertThrows(ProviderException.class, breaker::acquire, "only one probe at a time");
        breaker.success();
        assertEquals(CircuitState.CLOSED, breaker.state());
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
        assertEquals(CircuitState.OPEN, breaker.state());
        assertTrue(breaker.describe().contains("still down"), breaker.describe());
    }

    @Test
    void aProbesFirstByteClosesTheCircuitSoOtherCallsNeedNotWaitForItsEnd() {
        fail(3);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        breaker.acquire();
        assertThrows(ProviderException.class, breaker::acquire, "while the probe waits for its answer");
        breaker.answered();
        assertEquals(CircuitState.CLOSED, breaker.state());
        breaker.acquire();
        breaker.success();
    }

    @Test
    void anAnswerOutsideAProbeChangesNothing() {
        fail(3);
        breaker.answered();
        assertEquals(CircuitState.OPEN, breaker.state(), "a call that began before the circuit opened");
    }

    @Test
    void aHealthCheckThatSawTheUpstreamDownAndThenUpClosesTheCircuitBeforeTheOpenPeriodEnds() {
        fail(3);
        breaker.healthCheckPassed();
        assertEquals(CircuitState.OPEN, breaker.state(), "a listing that answers proves little on its own");
        breaker.healthCheckFailed();
        breaker.healthCheckPassed();
        assertEquals(CircuitState.CLOSED, breaker.state());
        breaker.acquire();
    }

    @Test
    void aHealthCheckClosesAHalfOpenCircuit() {
        fail(3);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        breaker.healthCheckPassed();
        assertEquals(CircuitState.CLOSED, breaker.state());
    }

    @Test
    void aCheckThatFailedBeforeTheCircuitOpenedDoesNotCountAsRecovery() {
        fail(2);
        breaker.healthCheckFailed();
        fail(1);
        breaker.healthCheckPassed();
        assertEquals(CircuitState.OPEN, breaker.state());
    }

    @Test
    void everyTransitionIsOneLogLineWithTheProviderAndTheReason() {
        fail(3);
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        breaker.acquire();
        breaker.failure("still down");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        breaker.acquire();
        breaker.success();
        breaker.success();

        assertEquals(List.of(
                "WARN circuit of provider p opened: 3 consecutive failures; last: boom 2",
                "INFO circuit of provider p half-open: open for 10000 ms; letting one probe call through",
                "WARN circuit of provider p opened: the probe call failed: still down",
                "INFO circuit of provider p half-open: open for 10000 ms; letting one probe call through",
                "INFO circuit of provider p closed: a call succeeded"), logged());
    }
}
