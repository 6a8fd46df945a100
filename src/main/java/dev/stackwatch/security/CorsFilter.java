package dev.stackwatch.security;

import dev.stackwatch.config.security.CorsConfig;
import dev.stackwatch.wire.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;

/**
 * CORS for browser clients on other origins. The allowed origin is echoed only when it is on the configured list (an
 * exact match), so the header never carries attacker-chosen text; preflights are answered here, before auth.
 */
public final class CorsFilter implements Filter {
    private final CorsConfig config;
    private final String methods;
    private final String headers;

    public CorsFilter(CorsConfig config) {
        this.config = config;
        this.methods = String.join(", ", config.allowedMethods());
        this.headers = String.join(", ", config.allowedHeaders());
    }

    private static boolean isPreflight(RoutingRequest req) {
        return req.prologue().method().equals(Method.OPTIONS)
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            chain.proceed();
            return;
        }
        // Caches must not serve one origin's answer to another.
        res.header(HeaderNames.VARY, "Origin");
        if (!config.allows(origin.get())) {
            if (isPreflight(req)) {
                throw ApiException.forbidden("origin not allowed by server.cors.allowed_origins");
            }
            chain.proceed();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, config.allowedOrigins().contains("*") ? "*" : origin.get());
        if (isPreflight(req)) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, headers);
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(config.maxAge().toSeconds()));
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Retry-After");
        chain.proceed();
    }
}
