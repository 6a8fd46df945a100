package dev.stackwatch.telemetry.tracing;

import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * Puts a span's ids in the logging MDC (as {@code trace_id} / {@code span_id}) for as long as the span is current,
 * and puts back what was there before. Only ids that lead somewhere: a span that is sampled (stored here or by the
 * caller), or one whose trace the caller started ({@link #forTrace}), which joins these lines to the caller's logs
 * and traces even when this server stores no span of it.
 */
final class TraceMdc implements AutoCloseable {
    static final String TRACE_ID = "trace_id";
    static final String SPAN_ID = "span_id";

    private final String previousTraceId;
    private final String previousSpanId;
    private final boolean active;

    TraceMdc(SpanContext span) {
        this(span, span.isSampled());
    }

    /** {@code show}: whether the ids lead somewhere, so belong in the log lines. */
    static TraceMdc forTrace(SpanContext span, boolean show) {
        return new TraceMdc(span, show && span.isValid());
    }

    private TraceMdc(SpanContext span, boolean show) {
        this.active = show;
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
