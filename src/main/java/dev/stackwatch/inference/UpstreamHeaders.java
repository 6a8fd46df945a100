package dev.stackwatch.inference;

import io.helidon.common.context.Contexts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Headers that must travel from the client's request to every upstream request it causes (W3C trace context). The API
 * layer registers one in the Helidon request context; a tracing filter may register its own (with the current span's
 * {@code traceparent}) afterwards, which replaces it. Providers read it on the request's thread with {@link #current()}.
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

    /** The headers of the request being served on this thread, or none outside a request (e.g. model loading). */
    public static UpstreamHeaders current() {
        return Contexts.context().flatMap(c -> c.get(UpstreamHeaders.class)).orElse(NONE);
    }

}
