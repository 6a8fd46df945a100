package dev.stackwatch.inference;

import java.net.URI;

/**
 * Where a remote provider sends its calls: the host and port of its base URL, as the semantic conventions'
 * {@code server.address} and {@code server.port} want them. One per provider, so it adds no series of its own.
 */
public record UpstreamEndpoint(String address, int port) {

    /** From an http(s) URL; a URL without a port gets its scheme's default, which is where the call really goes. */
    public static UpstreamEndpoint of(URI url) {
        String host = url.getHost();
        // URI keeps an IPv6 literal in brackets; the conventions want the bare address.
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return new UpstreamEndpoint(host, port);
    }
}
