package dev.stackwatch.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.wire.ApiException;
import dev.stackwatch.wire.Json;
import java.time.Duration;

/**
 * Coverage-guided fuzzing of everything a request body goes through before a provider sees it: JSON decoding with the
 * wire limits, then the chat, completion and embeddings validation. The only exception allowed out is
 * {@link ApiException} (a 4xx); anything else would be a 500. In CI this replays the inputs under
 * {@code src/test/resources/dev/stackwatch/api/RequestDecodingFuzzTestInputs}; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class RequestDecodingFuzzTest {
    private final JsonBodyReader reader = new JsonBodyReader(1024 * 1024, Duration.ofSeconds(5),
            Json.DEFAULT_MAX_NESTING_DEPTH, new DeadlineTimer("fuzz-read-deadlines"));
    private final RequestParser parser = new RequestParser(64, 4096, 64, 64 * 1024);

    @FuzzTest(maxDuration = "5m")
    void decodeAndValidate(byte @NotNull [] body) {
        ObjectNode json;
        try {
            json = reader.parse(body);
        } catch (ApiException refused) {
            return;
        }
        try {
            parser.chat(json);
        } catch (ApiException refused) {
            // a 4xx is the expected answer to most inputs
        }
        try {
            parser.completion(json);
        } catch (ApiException refused) {
            // as above
        }
        try {
            parser.embeddings(json);
        } catch (ApiException refused) {
            // as above
        }
    }
}
