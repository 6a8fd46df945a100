package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.api.Abandoned;
import dev.stackwatch.api.LimitRefusal;
import dev.stackwatch.api.MatchedRoute;
import dev.stackwatch.security.AuthOutcome;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Locale;

/**
 * The API edge's one metrics filter: in-flight while a request is served, then its count and duration. Handlers run
 * inside {@code chain.proceed()}, streams included, so when it returns the last byte has been written. Refusals are
 * answered inside it too ({@code ApiErrors}), so each is counted with the status the client got.
 */
public final class HttpMetricsFilter implements Filter {
    private final Metrics metrics;

    public HttpMetricsFilter(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        metrics.requestStarted();
        try {
            chain.proceed();
        } finally {
            // The route template, never the raw path: paths carry model ids and anything a client types.
            String endpoint = MatchedRoute.labelOf(req);
            metrics.requestFinished(req.prologue().method().text(), endpoint, Abandoned.statusOf(req, res),
                    System.nanoTime() - start);
            req.context().get(LimitRefusal.class).ifPresent(r -> metrics.limitRefused(r.reason()));
            req.context().get(AuthOutcome.class)
                    .filter(o -> o == AuthOutcome.MISSING || o == AuthOutcome.REJECTED)
                    .ifPresent(o -> metrics.authFailed(o.name().toLowerCase(Locale.ROOT)));
        }
    }
}
