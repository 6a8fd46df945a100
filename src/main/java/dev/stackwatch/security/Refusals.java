package dev.stackwatch.security;

import dev.stackwatch.api.ApiException;
import java.util.Map;

/**
 * The OpenAI-shaped refusals of the security filters. Messages are fixed text: nothing from the request is echoed,
 * and a 401 says the same whether a token was missing or wrong, so probing learns nothing.
 */
final class Refusals {
    static final String BEARER_CHALLENGE = "Bearer realm=\"stackwatch\"";

    private Refusals() {
    }

    static ApiException unauthorized(String what) {
        return new ApiException(401, "invalid_request_error", "invalid_api_key", "missing or invalid " + what
                + "; send 'Authorization: Bearer <token>'", null, Map.of("WWW-Authenticate", BEARER_CHALLENGE));
    }

    /** A Basic challenge, so that a browser opening the console asks for the token (as the password). */
    static ApiException consoleUnauthorized() {
        return new ApiException(401, "invalid_request_error", "invalid_api_key", "missing or invalid metrics token; "
                + "send it as the password of HTTP Basic authentication or as 'Authorization: Bearer <token>'", null,
                Map.of("WWW-Authenticate", "Basic realm=\"stackwatch console\", charset=\"UTF-8\""));
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, "permission_error", "forbidden", message, null, Map.of());
    }

    static ApiException rateLimited(long retryAfterSeconds, double perSecond) {
        return new ApiException(429, "rate_limit_error", "rate_limit_exceeded", "rate limit of " + perSecond
                + " requests per second exceeded; retry after " + retryAfterSeconds + " s", null,
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    static ApiException busy(int limit) {
        return new ApiException(503, "server_error", "too_many_concurrent_requests",
                "the server is serving its limit of " + limit + " concurrent inference requests; retry shortly", null,
                Map.of("Retry-After", "1"));
    }
}
