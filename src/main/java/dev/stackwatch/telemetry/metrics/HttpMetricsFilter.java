package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.api.Abandoned;
import dev.stackwatch.exchange.AuthOutcome;
import dev.stackwatch.exchange.Exchange;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The API edge's one metrics filter: in-flight while a request is served, then its count and duration, measured once
 * and handed to every {@link MetricSink}. Handlers run inside {@code chain.proceed()}, streams included, so when it
 * returns the last byte has been written.
 *
 * <p>Probes and scrapes that share the API's port are not API traffic: on their own port nothing counts them, so
 * here neither (else every scrape would be an {@code other} 200 and every draining /ready an {@code other} 503 in the
 * SLI). The inference routes' series exist from the start, so the first failure on each is a step from 0 that
 * {@code rate()} sees, not a new series that it cannot.
 *
 * <p>Refusals are answered inside it too ({@code ApiErrors}), so each is counted with the status the client got.
 */
public final class HttpMetricsFilter implements Filter {
    private final Metrics metrics;
    private final MetricSink sink;
    private final Predicate<String> notApiTraffic;

    /** {@code inferencePosts}: templates of the POST routes that call a model; {@code notApiTraffic}: by raw path. */
    public HttpMetricsFilter(Metrics metrics, MetricSink sink, Collection<String> inferencePosts,
                             Predicate<String> notApiTraffic) {
        this.metrics = metrics;
        this.sink = sink;
        this.notApiTraffic = notApiTraffic;
        metrics.expectRequests("POST", inferencePosts);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (notApiTraffic.test(req.path().path())) {
            chain.proceed();
            return;
        }
        long start = System.nanoTime();
        String method = req.prologue().method().text();
        boolean secure = req.isSecure();
        sink.requestStarted(method, secure);
        try {
            chain.proceed();
        } finally {
            // The route template, never the raw path: paths carry model ids and anything a client types.
            sink.requestFinished(method, secure, Exchange.of(req).routeLabel(), Abandoned.statusOf(req, res),
                    System.nanoTime() - start);
            Exchange exchange = Exchange.of(req);
            exchange.refusal().ifPresent(r -> metrics.limitRefused(r.reason()));
            exchange.auth()
                    .filter(o -> o == AuthOutcome.MISSING || o == AuthOutcome.REJECTED)
                    .ifPresent(o -> metrics.authFailed(o.name().toLowerCase(Locale.ROOT)));
        }
    }
}
