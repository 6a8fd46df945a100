package dev.stackwatch.auth;

import java.util.Set;

/**
 * Paths that need no API key. {@code /v1/health} is the LlamaStack operator's startup probe and answers only
 * "OK"; {@code /health} and {@code /ready} are Kubernetes probes; {@code /metrics} is guarded by its own token
 * ({@link ManagementAccessFilter}) because Prometheus holds a different secret than API clients.
 */
public final class OpenRoutes {
    private static final Set<String> PATHS = Set.of("/v1/health", "/health", "/ready", "/metrics");

    private OpenRoutes() {
    }

    public static boolean isOpen(String path) {
        return PATHS.contains(path);
    }
}
