package dev.stackwatch.config.security;

import java.util.Optional;

/**
 * {@code server.management}: who may read {@code /metrics} (anyone, unless a metrics token is set) and who may call
 * mutating management endpoints (holders of the admin token; without one, loopback clients only).
 */
public record ManagementAccessConfig(Optional<HashedToken> metricsToken, Optional<HashedToken> adminToken) {
    public static final ManagementAccessConfig DEFAULT = new ManagementAccessConfig(Optional.empty(), Optional.empty());
}
