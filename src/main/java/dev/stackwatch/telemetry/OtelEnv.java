package dev.stackwatch.telemetry;

import dev.stackwatch.config.ConfigException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reading the standard {@code OTEL_*} variables the way every signal (traces, metrics) needs them: per-signal values
 * that fall back to the generic ones, key=value lists, bounded numbers, the resource. Each problem is a
 * {@link ConfigException} naming the variable, so start-up stops with one line saying what to fix.
 */
public final class OtelEnv {
    public static final String SOURCE = "environment";
    static final String DEFAULT_SERVICE_NAME = "llamastack";

    private OtelEnv() {
    }

    /** The trimmed value, or {@code fallback} when unset or blank. */
    public static String value(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The name of the per-signal variable when it is set, else the generic one: what a problem is reported under. */
    public static String either(Map<String, String> env, String perSignal, String generic) {
        return value(env, perSignal, "").isEmpty() ? generic : perSignal;
    }

    /**
     * The export URL: the per-signal variable is the full URL; the generic one is a base that gets the signal's path
     * ({@code /v1/traces}, {@code /v1/metrics}) appended. Empty when neither is set.
     */
    public static Optional<URI> endpoint(Map<String, String> env, String perSignal, String signalPath) {
        String full = value(env, perSignal, "");
        String base = value(env, "OTEL_EXPORTER_OTLP_ENDPOINT", "");
        String url = !full.isEmpty() ? full : base.isEmpty() ? "" : base.replaceAll("/+$", "") + signalPath;
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(url);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return Optional.of(uri);
            }
        } catch (IllegalArgumentException ignored) {
            // reported below with the variable's name
        }
        throw new ConfigException(SOURCE, full.isEmpty() ? "OTEL_EXPORTER_OTLP_ENDPOINT" : perSignal,
                "'" + url + "' is not an http(s) URL");
    }

    /** OTEL_RESOURCE_ATTRIBUTES with OTEL_SERVICE_NAME (or {@value #DEFAULT_SERVICE_NAME}) as {@code service.name}. */
    public static Map<String, String> resource(Map<String, String> env) {
        Map<String, String> resource = new LinkedHashMap<>(pairs(env, "OTEL_RESOURCE_ATTRIBUTES"));
        resource.put("service.name", value(env, "OTEL_SERVICE_NAME",
                resource.getOrDefault("service.name", DEFAULT_SERVICE_NAME)));
        return Map.copyOf(resource);
    }

    public static long number(Map<String, String> env, String name, long fallback, long min, long max) {
        String raw = value(env, name, String.valueOf(fallback));
        try {
            long n = Long.parseLong(raw);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the variable's name
        }
        throw new ConfigException(SOURCE, name, "'" + raw + "' is not a number in [" + min + ", " + max + "]");
    }

    /** The W3C-baggage-like {@code key=value,key=value} lists of OTEL_RESOURCE_ATTRIBUTES and OTEL_*_HEADERS. */
    public static Map<String, String> pairs(Map<String, String> env, String name) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String item : value(env, name, "").split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(SOURCE, name, "expected key=value pairs separated by commas");
            }
            pairs.put(item.substring(0, eq).trim(),
                    URLDecoder.decode(item.substring(eq + 1).trim(), StandardCharsets.UTF_8));
        }
        return Map.copyOf(pairs);
    }
}
