package dev.stackwatch.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bucket with a stepped clock: burst, refusal with the right wait, refill, and no banking past capacity. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void burstThenRefusalThenRefill() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(3, 0.5, now::get);
        assertEquals(0, bucket.tryTake());
        assertEquals(0, bucket.tryTake());
        assertEquals(0, bucket.tryTake());
        assertEquals(2, bucket.tryTake(), "one token per 2 s at 0.5/s");
        now.addAndGet(SECOND);
        assertEquals(1, bucket.tryTake(), "half a token is there; the other half takes 1 s");
        now.addAndGet(SECOND);
        assertEquals(0, bucket.tryTake());
        assertEquals(2, bucket.tryTake());
    }

    @Test
    void idleTimeDoesNotBankMoreThanTheBurst() {
        AtomicLong now = new AtomicLong();
        TokenBucket bucket = new TokenBucket(2, 10, now::get);
        now.addAndGet(3600 * SECOND);
        assertEquals(0, bucket.tryTake());
        assertEquals(0, bucket.tryTake());
        assertEquals(1, bucket.tryTake(), "waits are whole seconds, at least 1");
    }
}
