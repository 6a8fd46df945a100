package dev.stackwatch.auth;

import dev.stackwatch.api.ApiErrors;
import dev.stackwatch.config.security.HashedToken;
import dev.stackwatch.config.security.ManagementAccessConfig;
import dev.stackwatch.wire.ApiException;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;

/**
 * The management port's guard. {@code /metrics} needs the metrics token when one is set, and so does the console
 * ({@code /console} and everything under it), which shows the same numbers plus recent errors. Any request that changes
 * state (a method other than GET, HEAD, OPTIONS, such as {@code POST /loggers}) needs the admin token; with no admin
 * token configured only loopback clients may make it (for {@code kubectl exec ... curl localhost}); so does reading
 * {@code /usage}, which names every key and its spend. Paths under
 * {@code /v1/} belong to the API and are left to its filters when both share one listener.
 */
public final class ManagementAccessFilter implements Filter {
    /** Reads that tell who uses the server and what they spend: guarded like changes. */
    private static final Set<String> ADMIN_READS = Set.of("/usage");

    private final ManagementAccessConfig config;
    private final ApiErrors errors;

    /**
     * {@code errors} writes refusals directly: the management routing has no error handlers of its own, so that
     * unmatched paths keep Helidon's plain 404.
     */
    public ManagementAccessFilter(ManagementAccessConfig config, ApiErrors errors) {
        this.config = config;
        this.errors = errors;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<ApiException> refusal = refusal(req);
        if (refusal.isPresent()) {
            errors.send(res, refusal.get());
        } else {
            chain.proceed();
        }
    }

    private Optional<ApiException> refusal(RoutingRequest req) {
        String path = req.path().path();
        if (path.startsWith("/v1/")) {
            return Optional.empty();
        }
        if (path.equals("/metrics") && config.metricsToken().isPresent()
                && !hasToken(req, config.metricsToken().get())) {
            return Optional.of(Refusals.unauthorized("metrics token"));
        }
        if (isConsole(path) && config.metricsToken().isPresent() && !hasConsoleToken(req, config.metricsToken().get())) {
            return Optional.of(Refusals.consoleUnauthorized());
        }
        if (isReadOnly(req.prologue().method()) && !ADMIN_READS.contains(path)) {
            return Optional.empty();
        }
        if (config.adminToken().isPresent()) {
            return hasToken(req, config.adminToken().get()) ? Optional.empty()
                    : Optional.of(Refusals.unauthorized("admin token"));
        }
        return fromLoopback(req) ? Optional.empty() : Optional.of(ApiException.forbidden(
                "management changes are allowed only from loopback unless server.management.admin_token is set"));
    }

    private static boolean hasToken(RoutingRequest req, HashedToken expected) {
        Optional<String> token = Credentials.bearer(req.headers());
        return token.isPresent() && expected.matches(token.get());
    }

    private static boolean isConsole(String path) {
        return path.equals("/console") || path.startsWith("/console/");
    }

    /**
     * A browser cannot send a bearer token when it opens a page, but it asks for and then sends Basic credentials on
     * every request to the origin (the page's own data requests included): the metrics token is the password, the
     * user name is ignored. Scripts may send it as a bearer token, like for /metrics.
     */
    private static boolean hasConsoleToken(RoutingRequest req, HashedToken expected) {
        Optional<String> token = Credentials.bearer(req.headers()).or(() -> Credentials.basicPassword(req.headers()));
        return token.isPresent() && expected.matches(token.get());
    }

    private static boolean isReadOnly(Method method) {
        return method.equals(Method.GET) || method.equals(Method.HEAD) || method.equals(Method.OPTIONS);
    }

    private static boolean fromLoopback(RoutingRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                && a.getAddress().isLoopbackAddress();
    }
}
