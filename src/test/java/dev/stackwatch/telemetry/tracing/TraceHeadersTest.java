package dev.stackwatch.telemetry.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a remote provider adds to its outgoing request for a call's span. */
class TraceHeadersTest {
    @Test
    void theCallsSpanBecomesTheUpstreamsParent() {
        SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.builder().put("vendor", "x").build());
        Map<String, String> headers = new LinkedHashMap<>();
        TraceHeaders.inject(Span.wrap(span), headers::put);
        assertEquals(Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "tracestate", "vendor=x"), headers);
    }

    @Test
    void withNoValidSpanNothingIsAdded() {
        Map<String, String> headers = new LinkedHashMap<>();
        TraceHeaders.inject(Span.getInvalid(), headers::put);
        assertEquals(Map.of(), headers);
    }
}
