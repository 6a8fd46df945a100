package dev.stackwatch.config;

import dev.stackwatch.config.security.SecurityConfig;
import dev.stackwatch.config.usage.UsageConfig;
import java.time.Duration;

/**
 * The {@code server} block. {@code managementPort} may equal {@code port} (one listener serves both) or be
 * {@link #NO_MANAGEMENT} for the bare upstream simulator. Port 0 picks a free port (tests). {@code drainTimeout} is how
 * long in-flight requests may run on after SIGTERM before they are ended. Auth, TLS, CORS and limits live in
 * {@link SecurityConfig}; prices, quotas and their store in {@link UsageConfig}.
 */
public record ServerConfig(String host, int port, int managementPort, long maxRequestBodyBytes,
                           HealthCheckConfig health, Duration drainTimeout, SecurityConfig security,
                           UsageConfig usage) {
    public static final int NO_MANAGEMENT = -1;
    public static final int DEFAULT_PORT = 8321;
    public static final int DEFAULT_MANAGEMENT_PORT = 8080;
    public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 8L * 1024 * 1024;
    /** Below Kubernetes' default 30 s terminationGracePeriodSeconds, leaving time to stop after the drain. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

    /** Loopback on the given ports, everything else kept: what tests and the standalone simulator need. */
    public ServerConfig onLoopback(int newPort, int newManagementPort) {
        return new ServerConfig("127.0.0.1", newPort, newManagementPort, maxRequestBodyBytes, health, drainTimeout,
                security, usage);
    }

    public ServerConfig withUsage(UsageConfig newUsage) {
        return new ServerConfig(host, port, managementPort, maxRequestBodyBytes, health, drainTimeout, security,
                newUsage);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, managementPort, maxRequestBodyBytes, health, drainTimeout, security,
                usage);
    }

    public ServerConfig withPorts(int newPort, int newManagementPort) {
        return new ServerConfig(host, newPort, newManagementPort, maxRequestBodyBytes, health, drainTimeout,
                security, usage);
    }
}
