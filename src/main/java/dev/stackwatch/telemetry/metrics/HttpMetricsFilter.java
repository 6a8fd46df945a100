package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.api.MatchedRoute;
import dev.stackwatch.security.AuthOutcome;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Locale;

/**
 * The API edge's one metrics filter: in-flight while a request is served, then its count and duration, measured once
 * and handed to every {@link MetricSink}. Handlers run inside {@code chain.proceed()}, streams included, so when it
 * returns the last byte has been written.
 */
public final class HttpMetricsFilter implements Filter {
    private final Metrics metrics;
    private final MetricSink sink;

    public HttpMetricsFilter(Metrics metrics, MetricSink sink) {
        this.metrics = metrics;
        this.sink = sink;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String method = req.prologue().method().text();
        boolean secure = req.isSecure();
        sink.requestStarted(method, secure);
        try {
            chain.proceed();
        } finally {
            // The route template, never the raw path: paths carry model ids and anything a client types.
            sink.requestFinished(method, secure, MatchedRoute.labelOf(req), res.status().code(),
                    System.nanoTime() - start);
            req.context().get(AuthOutcome.class)
                    .filter(o -> o == AuthOutcome.MISSING || o == AuthOutcome.REJECTED)
                    .ifPresent(o -> metrics.authFailed(o.name().toLowerCase(Locale.ROOT)));
        }
    }
}
