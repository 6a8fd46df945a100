package dev.stackwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OptionsParsingTest {

    @Test
    void tokenRangesAreOneNumberOrAnInclusiveUniformRange() {
        assertEquals(new TokenRange(64, 64), TokenRange.parse("64"));
        TokenRange r = TokenRange.parse("10:12");
        SplittableRandom random = new SplittableRandom(1);
        boolean[] seen = new boolean[13];
        for (int i = 0; i < 300; i++) {
            int n = r.sample(random);
            assertTrue(n >= 10 && n <= 12, "in range: " + n);
            seen[n] = true;
        }
        assertTrue(seen[10] && seen[11] && seen[12], "both ends are reachable");
        assertEquals("10:12", r.toString());
        assertThrows(IllegalArgumentException.class, () -> TokenRange.parse("12:10"));
        assertThrows(IllegalArgumentException.class, () -> TokenRange.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> TokenRange.parse("1:2:3"));
        assertThrows(IllegalArgumentException.class, () -> TokenRange.parse("many"));
    }

    @Test
    void durationsTakeCommonUnitsAndBareSeconds() {
        assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), DurationText.parse("30s"));
        assertEquals(Duration.ofSeconds(30), DurationText.parse("30"));
        assertEquals(Duration.ofMillis(1500), DurationText.parse("1.5s"));
        assertEquals(Duration.ofMinutes(2), DurationText.parse("2m"));
        assertEquals(Duration.ofHours(1), DurationText.parse("1h"));
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("soon"));
    }
}
