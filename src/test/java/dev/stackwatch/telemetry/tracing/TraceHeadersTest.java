package dev.stackwatch.telemetry.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a remote provider adds to its outgoing request. */
class TraceHeadersTest {
    @Test
    void theCurrentSpanBecomesTheUpstreamsParent() {
        SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.builder().put("vendor", "x").build());
        Map<String, String> headers = new LinkedHashMap<>();
        Scope scope = Span.wrap(span).makeCurrent();
        try {
            TraceHeaders.inject(headers::put);
        } finally {
            scope.close();
        }
        assertEquals(Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "tracestate", "vendor=x"), headers);
    }

    @Test
    void withNothingCurrentNothingIsAdded() {
        Map<String, String> headers = new LinkedHashMap<>();
        TraceHeaders.inject(headers::put);
        assertEquals(Map.of(), headers);
    }
}
