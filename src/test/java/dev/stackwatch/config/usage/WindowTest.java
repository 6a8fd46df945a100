package dev.stackwatch.config.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Windows are UTC-aligned: every replica maps an instant to the same window and the same reset. */
class WindowTest {
    private static final Instant LAST_SECONDS_OF_JANUARY = Instant.parse("2026-01-31T23:59:30Z");
    private static final Instant FIRST_OF_FEBRUARY = Instant.parse("2026-02-01T00:00:00Z");

    @Test
    void everyWindowEndsAtItsUtcBoundary() {
        for (Window w : Window.values()) {
            assertEquals(Duration.ofSeconds(30), w.untilReset(LAST_SECONDS_OF_JANUARY), w.name());
            assertEquals(w.id(LAST_SECONDS_OF_JANUARY) + 1, w.id(FIRST_OF_FEBRUARY), w.name() + " moves on by one");
        }
    }

    @Test
    void aWindowHoldsFromItsStartToJustBeforeItsEnd() {
        Instant midMonth = Instant.parse("2026-02-14T12:34:56Z");
        assertEquals(Window.MONTH.id(FIRST_OF_FEBRUARY), Window.MONTH.id(midMonth));
        assertEquals(Duration.ofDays(28), Window.MONTH.untilReset(FIRST_OF_FEBRUARY), "February 2026 has 28 days");
        assertEquals(Window.DAY.id(midMonth), Window.DAY.id(Instant.parse("2026-02-14T23:59:59Z")));
        assertEquals(Duration.ofSeconds(4), Window.MINUTE.untilReset(midMonth));
        // Retention outlives the window, so a late settlement still finds its counter.
        for (Window w : Window.values()) {
            assertEquals(true, w.retention().compareTo(w.untilReset(FIRST_OF_FEBRUARY)) > 0, w.name());
        }
    }
}
