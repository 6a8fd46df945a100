package dev.stackwatch.config;

import dev.stackwatch.security.SecurityConfig;

/**
 * The {@code server} block. {@code managementPort} may equal {@code port} (one listener serves both) or be
 * {@link #NO_MANAGEMENT} for the bare upstream simulator. Port 0 picks a free port (tests). Auth, TLS, CORS and
 * limits live in {@link SecurityConfig}.
 */
public record ServerConfig(String host, int port, int managementPort, long maxRequestBodyBytes,
                           SecurityConfig security) {
    public static final int NO_MANAGEMENT = -1;
    public static final int DEFAULT_PORT = 8321;
    public static final int DEFAULT_MANAGEMENT_PORT = 8080;
    public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 8L * 1024 * 1024;

    public ServerConfig withPorts(int newPort, int newManagementPort) {
        return new ServerConfig(host, newPort, newManagementPort, maxRequestBodyBytes, security);
    }
}
