package dev.stackwatch.security;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Headers that stop a browser from treating an API answer as a page: no content sniffing (an error message quoting a
 * path can never run as HTML), no framing, no referrer, no caching of answers that may hold generated text.
 */
public final class SecurityHeadersFilter implements Filter {
    /**
     * Made once: a cached header is validated and encoded when it is created and written as ready bytes, where
     * setting five name-value strings per response lowercased, validated and encoded each of them every time.
     */
    private static final List<Header> ALWAYS = List.of(
            HeaderValues.createCached(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff"),
            HeaderValues.createCached(HeaderNames.create("X-Frame-Options"), "DENY"),
            HeaderValues.createCached(HeaderNames.create("Content-Security-Policy"),
                    "default-src 'none'; frame-ancestors 'none'"),
            HeaderValues.createCached(HeaderNames.create("Referrer-Policy"), "no-referrer"),
            HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store"));
    private static final Header HSTS = HeaderValues.createCached(HeaderNames.STRICT_TRANSPORT_SECURITY,
            "max-age=31536000");

    private final List<Header> headers;

    public SecurityHeadersFilter(boolean tls) {
        List<Header> headers = new ArrayList<>(ALWAYS);
        if (tls) {
            headers.add(HSTS);
        }
        this.headers = List.copyOf(headers);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        for (Header header : headers) {
            res.header(header);
        }
        chain.proceed();
    }
}
