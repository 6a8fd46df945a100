package dev.stackwatch.security;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers that stop a browser from treating an API answer as a page: no content sniffing (an error message quoting a
 * path can never run as HTML), no framing, no referrer, no caching of answers that may hold generated text.
 */
public final class SecurityHeadersFilter implements Filter {
    private final boolean tls;

    public SecurityHeadersFilter(boolean tls) {
        this.tls = tls;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header("X-Content-Type-Options", "nosniff");
        res.header("X-Frame-Options", "DENY");
        res.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        res.header("Referrer-Policy", "no-referrer");
        res.header("Cache-Control", "no-store");
        if (tls) {
            res.header("Strict-Transport-Security", "max-age=31536000");
        }
        chain.proceed();
    }
}
