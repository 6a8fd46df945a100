package dev.stackwatch.limits;

import dev.stackwatch.wire.ApiException;
import java.util.Map;

/**
 * The OpenAI-shaped refusals of the rate and concurrency limits.
 * Messages are fixed text: nothing from the request is echoed.
 */
final class Refusals {
    private Refusals() {
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
