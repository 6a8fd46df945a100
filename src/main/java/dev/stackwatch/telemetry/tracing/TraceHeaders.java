package dev.stackwatch.telemetry.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.function.BiConsumer;

/**
 * The W3C {@code traceparent} / {@code tracestate} headers that make a span (the GenAI span {@link TracingObserver}
 * opened, which its call hands to the providers as {@code UpstreamHeaders}) the parent of an upstream's spans. For
 * an invalid span nothing is added.
 */
public final class TraceHeaders {
    private TraceHeaders() {
    }

    /** Calls {@code header} for each header to send, e.g. {@code TraceHeaders.inject(span, headers::put)}. */
    public static void inject(Span span, BiConsumer<String, String> header) {
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), header, BiConsumer::accept);
    }
}
