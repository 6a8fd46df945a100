package dev.stackwatch.security;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Locale;
import java.util.Optional;

/** Reads the bearer token of {@code Authorization: Bearer <token>} (RFC 6750: the scheme is case-insensitive). */
final class Credentials {
    private static final String BEARER = "bearer ";

    private Credentials() {
    }

    static Optional<String> bearer(Headers headers) {
        Optional<String> value = headers.first(HeaderNames.AUTHORIZATION);
        if (value.isEmpty() || value.get().length() <= BEARER.length()
                || !value.get().substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return Optional.empty();
        }
        String token = value.get().substring(BEARER.length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
