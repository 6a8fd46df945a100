package dev.stackwatch.telemetry;

import io.helidon.common.context.Contexts;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Makes the request's own Helidon context current on the handling thread for the rest of the chain. Helidon creates
 * a per-request context but does not make it current, and inference observers run deep inside providers with no
 * request in hand: through {@link Contexts#context()} they reach the per-request holders the filters registered.
 */
public final class RequestContextFilter implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Contexts.runInContext(req.context(), chain::proceed);
    }
}
