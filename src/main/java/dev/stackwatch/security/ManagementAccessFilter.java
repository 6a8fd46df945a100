package dev.stackwatch.security;

import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The management port's guard. {@code /metrics} needs the metrics token when one is set. Any request that changes
 * state (a method other than GET, HEAD, OPTIONS, such as {@code POST /loggers}) needs the admin token; with no admin
 * token configured only loopback clients may make it (for {@code kubectl exec ... curl localhost}). Paths under
 * {@code /v1/} belong to the API and are left to its filters when both share one listener.
 */
public final class ManagementAccessFilter implements Filter {
    private final ManagementAccessConfig config;

    public ManagementAccessFilter(ManagementAccessConfig config) {
        this.config = config;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.startsWith("/v1/")) {
            chain.proceed();
            return;
        }
        if (path.equals("/metrics") && config.metricsToken().isPresent()) {
            requireToken(req, config.metricsToken().get(), "metrics token");
        }
        if (!isReadOnly(req.prologue().method())) {
            if (config.adminToken().isPresent()) {
                requireToken(req, config.adminToken().get(), "admin token");
            } else if (!fromLoopback(req)) {
                throw Refusals.forbidden("management changes are allowed only from loopback unless "
                        + "server.management.admin_token is set");
            }
        }
        chain.proceed();
    }

    private static void requireToken(RoutingRequest req, HashedToken expected, String what) {
        Optional<String> token = Credentials.bearer(req.headers());
        if (token.isEmpty() || !expected.matches(token.get())) {
            throw Refusals.unauthorized(what);
        }
    }

    private static boolean isReadOnly(Method method) {
        return method.equals(Method.GET) || method.equals(Method.HEAD) || method.equals(Method.OPTIONS);
    }

    private static boolean fromLoopback(RoutingRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                && a.getAddress().isLoopbackAddress();
    }
}
