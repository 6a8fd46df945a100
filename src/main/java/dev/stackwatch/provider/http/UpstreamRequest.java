package dev.stackwatch.provider.http;

import java.util.Map;

/** One request to an upstream: {@code path} (with its query) under the base URL, an optional body, extra headers. */
public record UpstreamRequest(String method, String path, byte[] body, Map<String, String> headers) {
    private static final byte[] NO_BODY = new byte[0];

    public UpstreamRequest {
        body = body == null ? NO_BODY : body;
        headers = Map.copyOf(headers);
    }

    public static UpstreamRequest get(String path) {
        return new UpstreamRequest("GET", path, NO_BODY, Map.of());
    }

    public static UpstreamRequest postJson(String path, byte[] json) {
        return new UpstreamRequest("POST", path, json, Map.of("Content-Type", "application/json"));
    }
}
