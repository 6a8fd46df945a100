package dev.stackwatch.inference;

import java.time.Duration;
import java.util.Optional;

/** A provider could not do what was asked. {@link Kind} decides the HTTP status the client sees. */
public final class ProviderException extends RuntimeException {
    public enum Kind {
        BAD_REQUEST(400, "invalid_request_error", "provider_rejected_request"),
        UNAUTHORIZED(401, "authentication_error", "provider_unauthorized"),
        NOT_FOUND(404, "not_found_error", "provider_model_not_found"),
        RATE_LIMITED(429, "rate_limit_error", "provider_rate_limited"),
        INTERNAL(500, "server_error", "provider_error"),
        BAD_GATEWAY(502, "server_error", "bad_upstream_response"),
        UNAVAILABLE(503, "server_error", "provider_unavailable"),
        TIMEOUT(504, "server_error", "upstream_timeout");

        private final int status;
        private final String type;
        private final String code;

        Kind(int status, String type, String code) {
            this.status = status;
            this.type = type;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }

        public String code() {
            return code;
        }
    }

    private final Kind kind;
    private final String providerId;
    private final Duration retryAfter;

    public ProviderException(Kind kind, String providerId, String message) {
        this(kind, providerId, message, null);
    }

    public ProviderException(Kind kind, String providerId, String message, Throwable cause) {
        this(kind, providerId, message, cause, null);
    }

    /** {@code retryAfter} (may be null) tells the client when trying again makes sense, e.g. after a 429 or 503. */
    public ProviderException(Kind kind, String providerId, String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.kind = kind;
        this.providerId = providerId;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public String providerId() {
        return providerId;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
