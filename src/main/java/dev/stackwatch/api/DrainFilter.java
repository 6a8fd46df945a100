package dev.stackwatch.api;

import dev.stackwatch.lifecycle.ClientWatch;
import dev.stackwatch.lifecycle.InFlight;
import dev.stackwatch.lifecycle.Lifecycle;
import dev.stackwatch.wire.ApiException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Set;

/**
 * Admits each API request through the {@link Lifecycle}, so a shutdown knows what is still running, and refuses new
 * ones once draining began: 503 {@code server_draining} with {@code Connection: close}, so keep-alive clients move to
 * another replica. Handlers find the request's {@link InFlight} in the request context.
 */
public final class DrainFilter implements Filter {
    private final Lifecycle lifecycle;
    private final Set<String> exempt;
    private final ClientWatch clients;

    /**
     * {@code exempt} paths are neither counted nor refused (the probes, when they share the API listener);
     * {@code clients} lets a request notice its client leaving while it is generated.
     */
    public DrainFilter(Lifecycle lifecycle, Set<String> exempt, ClientWatch clients) {
        this.lifecycle = lifecycle;
        this.exempt = Set.copyOf(exempt);
        this.clients = clients;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (exempt.contains(req.path().path())) {
            chain.proceed();
            return;
        }
        // An error response is written by the routing's error handler after this returns; Helidon's listener shutdown
        // grace period (500 ms) covers that write when the drain ends right after.
        try (InFlight request = lifecycle.admit(clients).orElseThrow(DrainFilter::refused)) {
            req.context().register(request);
            chain.proceed();
        }
    }

    private static ApiException refused() {
        return ApiException.draining("the server is shutting down and accepts no new requests; retry on another replica");
    }
}
