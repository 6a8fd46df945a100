package dev.stackwatch.telemetry.logging;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.slf4j.MDC;

/**
 * Outermost filter: gives every API request an {@code x-request-id} (the client's, if well formed), echoes it on the
 * response and keeps it in the MDC for every log line written while the request is handled on this thread.
 */
public final class RequestIdFilter implements Filter {
    static final String MDC_KEY = "request_id";

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        RequestId id = RequestId.honourOrGenerate(
                req.headers().first(HeaderNames.create(RequestId.HEADER)).orElse(null));
        // Set before proceeding: a stream sends its headers with the first token.
        res.header(RequestId.HEADER, id.value());
        MDC.put(MDC_KEY, id.value());
        try {
            chain.proceed();
        } finally {
            MDC.remove(MDC_KEY);
        }
    }
}
