package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

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
}
