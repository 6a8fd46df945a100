package dev.stackwatch.provider.http;

import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.inference.ProviderException.Kind;
import java.time.Duration;

/**
 * One failed attempt at an upstream call, classified once where it happens: whether trying again may help
 * ({@code retryable}) and whether it says the upstream is unhealthy ({@code tripsBreaker}; a 4xx answer does not).
 * {@link UpstreamGuard} turns the last one into the {@link ProviderException} the API maps to a status.
 */
public final class UpstreamFailure extends RuntimeException {
    private final Kind kind;
    private final boolean retryable;
    private final boolean tripsBreaker;
    private final Duration retryAfter;

    private UpstreamFailure(Kind kind, String message, boolean retryable, boolean tripsBreaker, Duration retryAfter,
                            Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryable = retryable;
        this.tripsBreaker = tripsBreaker;
        this.retryAfter = retryAfter;
    }

    /** The connection could not be made or broke before an answer: safe to retry while no token was sent. */
    public static UpstreamFailure connection(String message, Throwable cause) {
        return new UpstreamFailure(Kind.BAD_GATEWAY, message, true, true, null, cause);
    }

    public static UpstreamFailure timeout(String message) {
        return new UpstreamFailure(Kind.TIMEOUT, message, false, true, null, null);
    }

    /** The upstream answered with something that is not what its protocol promises. */
    public static UpstreamFailure badResponse(String message, Throwable cause) {
        return new UpstreamFailure(Kind.BAD_GATEWAY, message, false, true, null, cause);
    }

    /** An HTTP error status: 5xx count against the upstream (502/503 are retried), 4xx are the request's fault. */
    public static UpstreamFailure status(int status, String upstreamMessage, Duration retryAfter) {
        String message = "upstream returned HTTP " + status + (upstreamMessage.isBlank() ? "" : ": " + upstreamMessage);
        return switch (status) {
            case 401, 403 -> new UpstreamFailure(Kind.UNAUTHORIZED, message, false, false, null, null);
            case 404 -> new UpstreamFailure(Kind.NOT_FOUND, message, false, false, null, null);
            case 429 -> new UpstreamFailure(Kind.RATE_LIMITED, message, false, false, retryAfter, null);
            case 502 -> new UpstreamFailure(Kind.BAD_GATEWAY, message, true, true, null, null);
            case 503 -> new UpstreamFailure(Kind.UNAVAILABLE, message, true, true, retryAfter, null);
            case 504 -> new UpstreamFailure(Kind.TIMEOUT, message, false, true, null, null);
            default -> status >= 500
                    ? new UpstreamFailure(Kind.BAD_GATEWAY, message, false, true, null, null)
                    : new UpstreamFailure(Kind.BAD_REQUEST, message, false, false, null, null);
        };
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return retryable;
    }

    public boolean tripsBreaker() {
        return tripsBreaker;
    }

    public ProviderException toProviderException(String providerId) {
        return new ProviderException(kind, providerId, getMessage(), this, retryAfter);
    }
}
