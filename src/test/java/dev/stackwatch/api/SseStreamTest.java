package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The room a stream's next batch starts with, from the size of the batch it sent last. */
class SseStreamTest {
    @Test
    void aBatchStartsWithTheLastOnesSizeRoundedUpToAPowerOfTwo() {
        assertEquals(256, SseStream.roomFor(200), "one token's event");
        assertEquals(256, SseStream.roomFor(256));
        assertEquals(512, SseStream.roomFor(257));
        assertEquals(4096, SseStream.roomFor(2900), "sixteen tokens that came in one read");
    }

    @Test
    void theRoomStaysWithinItsBounds() {
        assertEquals(128, SseStream.roomFor(0), "a batch sent empty");
        assertEquals(128, SseStream.roomFor(5));
        assertEquals(16 * 1024, SseStream.roomFor(16 * 1024));
        assertEquals(16 * 1024, SseStream.roomFor(1 << 20), "a batch sent early for its size");
    }
}
