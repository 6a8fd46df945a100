package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The quick scan must never skip a line the expression would change; lines without a marker come back untouched. */
class SecretMaskTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Authorization: Bearer sk-123                  | Authorization: Bearer ********",
        "authorization=\"Basic dXNlcjpw\"               | authorization=\"Basic ********\"",
        "AUTHORIZATION: secret-token                   | AUTHORIZATION: ********",
        "api_key=abc123, next                          | api_key=********, next",
        "config {\"Api-Key\": \"k-9\"}                  | config {\"Api-Key\": \"********\"}",
        "apikey:zzz                                    | apikey:********",
        "sent header bEaReR tok.en-1 to upstream        | sent header bEaReR ******** to upstream",
    })
    void masksEveryFormOfSecret(String line, String masked) {
        assertEquals(masked, SecretMask.mask(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST /v1/chat/completions 200 23 ms", "", "model llama ready after 11 ms",
        "provider upstream is healthy"})
    void linesWithoutAMarkerAreReturnedAsTheyAre(String line) {
        assertFalse(SecretMask.mightContainSecret(line));
        assertSame(line, SecretMask.mask(line));
    }

    /** Against the plain definition (any marker, ignoring case) on strings dense in the markers' letters. */
    @Test
    void theScanFindsEveryMarkerAndNothingElse() {
        String[] pieces = {"a", "A", "p", "P", "i", "I", "u", "b", "B", "e", "E", "r", "R", "au", "Authorizatio",
            "authorization", "AUTHORIZATION", "api", "aPi", "ap", "bearer", "BeArEr", "beare", " ", "=", "\u0131",
            "\u00e1", "x"};
        Random random = new Random(21);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(8); k > 0; k--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String line = text.toString();
            String lower = line.toLowerCase(Locale.ROOT);
            boolean marker = lower.contains("authorization") || lower.contains("api") || lower.contains("bearer");
            assertEquals(marker, SecretMask.mightContainSecret(line), line);
        }
    }
}
