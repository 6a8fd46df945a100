package dev.stackwatch.telemetry.tracing;

import static dev.stackwatch.telemetry.tracing.SpanAttributes.API_KEY_NAME;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.CLIENT_ADDRESS;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.ERROR_TYPE;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.HTTP_REQUEST_METHOD;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.HTTP_RESPONSE_STATUS_CODE;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.HTTP_ROUTE;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.SERVER_PORT;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.URL_PATH;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.URL_SCHEME;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.USER_AGENT;

import dev.stackwatch.api.Abandoned;
import dev.stackwatch.exchange.Exchange;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The HTTP server span of each API request. A W3C {@code traceparent} from the client becomes its parent (and decides
 * sampling under the parent-based sampler). The span is current, and its ids are in the MDC, while the rest of the
 * chain runs: inner filters and observers (access log, metrics exemplars, GenAI spans) all see it. Its trace id is in
 * the MDC and {@code x-trace-id} when it is sampled or continues a caller's trace (sampled there or not).
 */
public final class TracingFilter implements Filter {
    public static final String TRACE_ID_HEADER = "x-trace-id";
    private static final TextMapGetter<ServerRequestHeaders> HEADERS = (headers, name) ->
            headers == null ? null : headers.first(HeaderNames.create(name)).orElse(null);

    private final Tracer tracer;

    TracingFilter(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), req.headers(), HEADERS);
        String method = req.prologue().method().text();
        Span span = tracer.spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_REQUEST_METHOD, method)
                .setAttribute(URL_PATH, req.path().rawPath())
                .setAttribute(URL_SCHEME, req.isSecure() ? "https" : "http")
                .startSpan();
        if (span.isRecording()) {
            span.setAttribute(SERVER_PORT, (long) req.localPeer().port());
            if (req.remotePeer().address() instanceof InetSocketAddress client && client.getAddress() != null) {
                span.setAttribute(CLIENT_ADDRESS, client.getAddress().getHostAddress());
            }
            req.headers().first(HeaderNames.USER_AGENT).ifPresent(agent -> span.setAttribute(USER_AGENT, agent));
        }
        // A caller's trace id joins logs across services even when this span is not sampled (not exported).
        boolean joinable = span.getSpanContext().isSampled() || Span.fromContext(parent).getSpanContext().isValid();
        if (joinable) {
            // Before proceeding: a stream sends its headers with the first token.
            res.header(TRACE_ID_HEADER, span.getSpanContext().getTraceId());
        }
        Scope scope = parent.with(span).makeCurrent();
        TraceMdc mdc = TraceMdc.forTrace(span.getSpanContext(), joinable);
        try {
            chain.proceed();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setAttribute(ERROR_TYPE, e.getClass().getName());
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            mdc.close();
            scope.close();
            finish(span, req, res);
        }
    }

    private static void finish(Span span, RoutingRequest req, RoutingResponse res) {
        Optional<String> route = Exchange.of(req).route();
        route.ifPresent(template -> {
            span.updateName(req.prologue().method().text() + " " + template);
            span.setAttribute(HTTP_ROUTE, template);
        });
        Exchange.of(req).keyName().ifPresent(key -> span.setAttribute(API_KEY_NAME, key));
        int status = Abandoned.statusOf(req, res);
        span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
        // HTTP semconv: for a server span only 5xx is an error; a 4xx is the client's problem, not ours.
        if (status >= 500) {
            span.setAttribute(ERROR_TYPE, String.valueOf(status));
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
