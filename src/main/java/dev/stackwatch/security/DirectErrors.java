package dev.stackwatch.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.wire.ErrorBody;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.util.Locale;
import java.util.Optional;

/**
 * Refusals Helidon makes before routing (headers too large, a malformed request line) in the OpenAI error shape
 * instead of plain text, each reported to {@link PreRoutingRefusals} so it is counted and logged. The message is fixed
 * text, never Helidon's message or the offending input. Helidon closes the connection after each.
 */
final class DirectErrors implements DirectHandler {
    /** Helidon 4.5 refuses oversized headers as a plain 400 with this message; the tests notice if it changes. */
    private static final String HEADERS_TOO_LARGE = "Header size exceeded";
    private static final Status STATUS_431 = Status.create(431, "Request Header Fields Too Large");

    private final ObjectMapper json;
    private final int maxHeaderBytes;
    private final PreRoutingRefusals refusals;

    DirectErrors(ObjectMapper json, int maxHeaderBytes, PreRoutingRefusals refusals) {
        this.json = json;
        this.maxHeaderBytes = maxHeaderBytes;
        this.refusals = refusals;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        boolean headersTooLarge = status.code() == STATUS_431.code()
                || (message != null && message.contains(HEADERS_TOO_LARGE));
        Status answer = headersTooLarge ? STATUS_431 : status;
        String reason = answer.reasonPhrase().toLowerCase(Locale.ROOT);
        String code = headersTooLarge ? "headers_too_large"
                : status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code() ? "request_too_large"
                : reason.replace(' ', '_');
        byte[] body;
        try {
            String text = headersTooLarge ? "request headers exceed the limit of " + maxHeaderBytes + " bytes" : reason;
            body = json.writeValueAsBytes(ErrorBody.of(text, ErrorBody.typeFor(answer.code()), code,
                    null));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        refusals.refused(request.method(), answer.code(), body.length, limit(answer));
        return TransportResponse.builder()
                .status(answer)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.create("X-Content-Type-Options"), "nosniff")
                .keepAlive(false)
                .entity(body)
                .build();
    }

    private static Optional<String> limit(Status answer) {
        if (answer.code() == STATUS_431.code()) {
            return Optional.of("header_size");
        }
        if (answer.code() == Status.REQUEST_URI_TOO_LONG_414.code()) {
            return Optional.of("uri_length");
        }
        return Optional.empty();
    }
}
