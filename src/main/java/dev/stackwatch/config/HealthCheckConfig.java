package dev.stackwatch.config;

import java.time.Duration;

/**
 * The {@code server.health} block: how often provider health checks run in the background and how long one may take
 * before it counts as failed. Probes only read the last result, so a slow provider never slows a probe.
 */
public record HealthCheckConfig(Duration interval, Duration timeout) {
    /** Same period as the readiness probe in docs/health.md, so a probe never reads a result older than one period. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** Below the readiness probe's 3 s timeout; a provider slower than this to say it is healthy is not. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

}
