package dev.stackwatch.telemetry.tracing;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The API's trace filter when tracing is off (no OTLP endpoint): no span is made, but a caller's W3C
 * {@code traceparent} still joins this request's log lines to the caller's trace. Its trace id goes into the MDC
 * and {@code x-trace-id}; {@code span_id} is the caller's span, the one span of this request that is stored
 * anywhere. The header itself is forwarded upstream unchanged ({@code UpstreamHeaders}, passed along the call).
 */
public final class CallerTraceFilter implements Filter {
    private static final TextMapGetter<ServerRequestHeaders> HEADERS = (headers, name) ->
            headers == null ? null : headers.first(HeaderNames.create(name)).orElse(null);

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), req.headers(), HEADERS);
        SpanContext caller = Span.fromContext(parent).getSpanContext();
        if (!caller.isValid()) {
            chain.proceed();
            return;
        }
        res.header(TracingFilter.TRACE_ID_HEADER, caller.getTraceId());
        try (TraceMdc mdc = TraceMdc.forTrace(caller, true)) {
            chain.proceed();
        }
    }
}
