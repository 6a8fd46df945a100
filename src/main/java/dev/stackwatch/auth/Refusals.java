package dev.stackwatch.auth;

import dev.stackwatch.wire.ApiException;
import java.util.Map;

/**
 * The OpenAI-shaped refusals of authentication.
 * Messages are fixed text: nothing from the request is echoed, and a 401 says the same whether a token
 * was missing or wrong, so probing learns nothing.
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
}
