package dev.stackwatch.config.security;

import java.time.Duration;
import java.util.List;

/**
 * {@code server.cors}. No allowed origins (the default) means no CORS headers at all, so browsers on other origins
 * cannot read responses. {@code "*"} allows any origin without credentials.
 */
public record CorsConfig(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders,
                         Duration maxAge) {
    public static final List<String> DEFAULT_METHODS = List.of("GET", "POST", "OPTIONS");
    public static final List<String> DEFAULT_HEADERS = List.of("Authorization", "Content-Type");
    public static final CorsConfig OFF = new CorsConfig(List.of(), DEFAULT_METHODS, DEFAULT_HEADERS,
            Duration.ofMinutes(10));

    public CorsConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedMethods = List.copyOf(allowedMethods);
        allowedHeaders = List.copyOf(allowedHeaders);
    }

    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }

    public boolean allows(String origin) {
        return allowedOrigins.contains("*") || allowedOrigins.contains(origin);
    }
}
