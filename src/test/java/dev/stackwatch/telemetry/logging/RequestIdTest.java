package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestIdTest {
    @Test
    void wellFormedIdsAreHonouredOthersReplaced() {
        String longest = "a".repeat(64);
        assertEquals(longest, RequestId.honourOrGenerate(longest).value());
        assertEquals("Ab9._-", RequestId.honourOrGenerate("Ab9._-").value());
        for (String bad : new String[] {null, "", "a".repeat(65), "two words", "line\nbreak", "x\"y", "é"}) {
            String id = RequestId.honourOrGenerate(bad).value();
            assertNotEquals(bad, id);
            assertTrue(id.matches("[0-9a-f]{32}"), id);
        }
        assertNotEquals(RequestId.honourOrGenerate(null), RequestId.honourOrGenerate(null), "generated ids differ");
    }
}
