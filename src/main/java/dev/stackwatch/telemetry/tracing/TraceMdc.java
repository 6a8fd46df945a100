package dev.stackwatch.telemetry.tracing;

import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * Puts the current span's ids in the logging MDC (as {@code trace_id} / {@code span_id}) for as long as the span is
 * current, and puts back what was there before. Only sampled spans: an id that leads to no stored trace misleads.
 */
final class TraceMdc implements AutoCloseable {
    static final String TRACE_ID = "trace_id";
    static final String SPAN_ID = "span_id";

    private final String previousTraceId;
    private final String previousSpanId;
    private final boolean active;

    TraceMdc(SpanContext span) {
        this.active = span.isSampled();
        this.previousTraceId = active ? MDC.get(TRACE_ID) : null;
        this.previousSpanId = active ? MDC.get(SPAN_ID) : null;
        if (active) {
            MDC.put(TRACE_ID, span.getTraceId());
            MDC.put(SPAN_ID, span.getSpanId());
        }
    }

    @Override
    public void close() {
        if (active) {
            restore(TRACE_ID, previousTraceId);
            restore(SPAN_ID, previousSpanId);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
