package dev.stackwatch.console;

import dev.stackwatch.api.Abandoned;
import dev.stackwatch.exchange.Exchange;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Feeds every API response with status 400 or above into {@link RecentErrors}, so the console shows client mistakes
 * (404 model, 400 body) next to provider failures. Names the route template, never the raw path.
 */
public final class HttpErrorFilter implements Filter {
    private final RecentErrors errors;

    public HttpErrorFilter(RecentErrors errors) {
        this.errors = errors;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        try {
            chain.proceed();
        } finally {
            int status = Abandoned.statusOf(req, res);
            if (status >= 400) {
                String route = Exchange.of(req).routeLabel();
                errors.add(new RecentErrors.Entry(System.currentTimeMillis(), "http", req.prologue().method().text() + " " + route,
                        status == res.status().code() ? res.status().reasonPhrase() : "abandoned, no response", status,
                        null));
            }
        }
    }
}
