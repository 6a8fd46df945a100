package dev.stackwatch.provider.http;

import dev.stackwatch.config.ConfigNode;
import dev.stackwatch.inference.UpstreamEndpoint;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to reach one upstream and how long to wait for it. The three timeouts are separate because they catch different
 * failures: an unreachable host ({@code connect_timeout_ms}), a stuck or overloaded model before it answers
 * ({@code first_byte_timeout_ms}) and a stream that stalls half-way ({@code idle_timeout_ms}).
 */
public record UpstreamSettings(URI baseUrl, String bearerToken, Map<String, String> headers, TlsVerify tls,
                               Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
                               Duration loadTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Reads the provider's {@code config}; {@code urlKey} and {@code tokenKey} differ by provider type (LlamaStack's
     * vllm uses url/api_token, openai base_url/api_key). A missing URL falls back to {@code defaultUrl} when non-null.
     */
    public static UpstreamSettings read(ConfigNode config, String urlKey, String defaultUrl, String tokenKey) {
        String url = defaultUrl == null ? config.requiredText(urlKey) : config.text(urlKey, defaultUrl);
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw config.child(urlKey).error("'" + url + "' is not a URL");
        }
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
                || base.getHost() == null) {
            throw config.child(urlKey).error("'" + url + "' must be an http:// or https:// URL");
        }
        return new UpstreamSettings(base, config.text(tokenKey).orElse(null), headers(config),
                TlsVerify.read(config, "tls_verify"),
                positive(config, "connect_timeout_ms", DEFAULT_CONNECT_TIMEOUT),
                positive(config, "first_byte_timeout_ms", DEFAULT_FIRST_BYTE_TIMEOUT),
                positive(config, "idle_timeout_ms", DEFAULT_IDLE_TIMEOUT),
                positive(config, "load_timeout_ms", DEFAULT_LOAD_TIMEOUT));
    }

    /** The same upstream under a sub-path, e.g. a LlamaStack server's OpenAI routes under {@code /v1}. */
    public UpstreamSettings under(String path) {
        return new UpstreamSettings(URI.create(baseUrl + path), bearerToken, headers, tls, connectTimeout,
                firstByteTimeout, idleTimeout, loadTimeout);
    }

    /** The host and port every call goes to, for the observers. */
    public UpstreamEndpoint endpoint() {
        return UpstreamEndpoint.of(baseUrl);
    }

    /** {@code headers}: fixed extra headers for every upstream request (gateways that want an org or route header). */
    private static Map<String, String> headers(ConfigNode config) {
        ConfigNode node = config.child("headers");
        if (node.isMissing()) {
            return Map.of();
        }
        if (!node.raw().isObject()) {
            throw node.error("must be a mapping of header name to value");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        node.raw().fieldNames().forEachRemaining(name -> headers.put(name, node.requiredText(name)));
        return Map.copyOf(headers);
    }

    private static Duration positive(ConfigNode config, String key, Duration fallback) {
        Duration d = config.millis(key, fallback);
        if (d.isZero()) {
            throw config.child(key).error("must be at least 1 ms");
        }
        return d;
    }
}
