package dev.stackwatch.config.security;

import java.util.List;

/**
 * {@code server.auth}: with no keys the API is open (the LlamaStack default); with keys every route but the open ones
 * needs one.
 */
public record AuthConfig(List<ApiKey> apiKeys) {
    public static final AuthConfig OFF = new AuthConfig(List.of());

    public AuthConfig {
        apiKeys = List.copyOf(apiKeys);
    }

    public boolean enabled() {
        return !apiKeys.isEmpty();
    }
}
