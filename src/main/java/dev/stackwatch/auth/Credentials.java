package dev.stackwatch.auth;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the bearer token of {@code Authorization: Bearer <token>} (RFC 6750), or the password of
 * {@code Authorization: Basic <base64(user:password)>} (RFC 7617); schemes are case-insensitive.
 */
final class Credentials {
    private static final String BEARER = "bearer ";
    private static final String BASIC = "basic ";

    private Credentials() {
    }

    static Optional<String> bearer(Headers headers) {
        return credentials(headers, BEARER);
    }

    static Optional<String> basicPassword(Headers headers) {
        return credentials(headers, BASIC).flatMap(encoded -> {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            return colon < 0 || colon == decoded.length() - 1 ? Optional.empty()
                    : Optional.of(decoded.substring(colon + 1));
        });
    }

    private static Optional<String> credentials(Headers headers, String scheme) {
        Optional<String> value = headers.first(HeaderNames.AUTHORIZATION);
        if (value.isEmpty() || value.get().length() <= scheme.length()
                || !value.get().substring(0, scheme.length()).toLowerCase(Locale.ROOT).equals(scheme)) {
            return Optional.empty();
        }
        String token = value.get().substring(scheme.length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
