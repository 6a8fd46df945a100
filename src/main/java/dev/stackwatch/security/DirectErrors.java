package dev.stackwatch.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.api.ErrorBody;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.util.Locale;

/**
 * Refusals Helidon makes before routing (headers too large, a malformed request line) in the OpenAI error shape
 * instead of plain text. The message is Helidon's fixed status text, never the offending input.
 */
final class DirectErrors implements DirectHandler {
    private final ObjectMapper json;

    DirectErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String code = status.code() == 431 ? "headers_too_large"
                : status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code() ? "request_too_large" : "bad_request";
        byte[] body;
        try {
            body = json.writeValueAsBytes(ErrorBody.of(status.reasonPhrase().toLowerCase(Locale.ROOT),
                    "invalid_request_error", code, null));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.create("X-Content-Type-Options"), "nosniff")
                .keepAlive(false)
                .entity(body)
                .build();
    }
}
