package dev.stackwatch.telemetry.tracing;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.function.BiConsumer;

/**
 * The W3C {@code traceparent} / {@code tracestate} headers for the current OpenTelemetry context, which during a
 * provider call is the GenAI span {@link TracingObserver} opened; with nothing current nothing is added. Remote
 * providers need not call this: they send {@code UpstreamHeaders.current()}, which the observer fills from here.
 */
public final class TraceHeaders {
    private TraceHeaders() {
    }

    /** Calls {@code header} for each header to send, e.g. {@code TraceHeaders.inject(builder::header)}. */
    public static void inject(BiConsumer<String, String> header) {
        W3CTraceContextPropagator.getInstance().inject(Context.current(), header, BiConsumer::accept);
    }
}
