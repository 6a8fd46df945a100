package dev.stackwatch.security;

import java.util.Optional;

/**
 * Told of each refusal Helidon makes before routing (bad framing, headers too large, request line too long, HTTP/1.0),
 * which no filter sees: the wiring counts and logs them like routed requests.
 */
@FunctionalInterface
public interface PreRoutingRefusals {
    /**
     * {@code method} as the client sent it (empty when the request line itself was refused); {@code limit} names the
     * configured limit that refused it, if one did.
     */
    void refused(String method, int status, long bytes, Optional<String> limit);
}
