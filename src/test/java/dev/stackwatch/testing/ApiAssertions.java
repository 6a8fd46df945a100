package dev.stackwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;

/** The OpenAI error shape, asserted the same way by every test that expects a refusal. */
public final class ApiAssertions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiAssertions() {
    }

    /** Status, JSON content type, non-blank message, type, the expected code, and no stack trace; returns the error. */
    public static JsonNode assertErrorShape(HttpResponse<String> res, int status, String code) throws IOException {
        assertEquals(status, res.statusCode(), res.body());
        assertEquals("application/json", res.headers().firstValue("Content-Type").orElseThrow());
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertTrue(error.path("message").isTextual() && !error.path("message").asText().isBlank(), res.body());
        assertTrue(error.path("type").isTextual(), res.body());
        assertEquals(code, error.path("code").asText(), res.body());
        assertFalse(res.body().contains("Exception") || res.body().contains("\tat "), "no stack trace: " + res.body());
        return error;
    }
}
