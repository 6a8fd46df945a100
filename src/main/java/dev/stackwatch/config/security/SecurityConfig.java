package dev.stackwatch.config.security;

import java.util.Optional;

/** Everything in the {@code server} block about who gets in and how much they may ask. */
public record SecurityConfig(AuthConfig auth, Optional<TlsConfig> tls, CorsConfig cors,
                             ManagementAccessConfig management, LimitsConfig limits) {
    public static final SecurityConfig DEFAULT = new SecurityConfig(AuthConfig.OFF, Optional.empty(), CorsConfig.OFF,
            ManagementAccessConfig.DEFAULT, LimitsConfig.DEFAULT);
}
