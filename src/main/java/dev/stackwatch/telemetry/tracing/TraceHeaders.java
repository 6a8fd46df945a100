package dev.stackwatch.telemetry.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.function.BiConsumer;

/**
 * The W3C {@code traceparent} / {@code tracestate} headers for the current OpenTelemetry context, or for a given span
 * (the GenAI span {@link TracingObserver} opened, which its call hands to the providers as {@code UpstreamHeaders}).
 * With no valid span nothing is added.
 */
public final class TraceHeaders {
    private TraceHeaders() {
    }

    /** Calls {@code header} for each header to send, e.g. {@code TraceHeaders.inject(builder::header)}. */
    public static void inject(BiConsumer<String, String> header) {
        W3CTraceContextPropagator.getInstance().inject(Context.current(), header, BiConsumer::accept);
    }

    /** The headers that make {@code span} the parent of the receiver's spans. */
    public static void inject(Span span, BiConsumer<String, String> header) {
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), header, BiConsumer::accept);
    }
}
