package dev.stackwatch.inference;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Headers that must travel from the client's request to every upstream request it causes (W3C trace context). A value
 * passed along the call: the API layer picks them from the client's request into the {@link GenerationRequest} or
 * {@link EmbeddingRequest}; an observer's call may replace them for the call's duration (the tracing observer, with
 * its span's {@code traceparent}); providers hand them to each upstream request they send.
 */
public record UpstreamHeaders(Map<String, String> values) {
    /** W3C trace context: the only inbound headers forwarded, so credentials and cookies never leak upstream. */
    public static final List<String> FORWARDED = List.of("traceparent", "tracestate");
    public static final UpstreamHeaders NONE = new UpstreamHeaders(Map.of());

    public UpstreamHeaders {
        values = Map.copyOf(values);
    }

    /** Picks the forwarded headers out of an inbound request; {@code header} returns null when a header is absent. */
    public static UpstreamHeaders from(Function<String, String> header) {
        Map<String, String> picked = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            String value = header.apply(name);
            if (value != null && !value.isBlank()) {
                picked.put(name, value);
            }
        }
        return picked.isEmpty() ? NONE : new UpstreamHeaders(picked);
    }
}
