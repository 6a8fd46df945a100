package dev.stackwatch.telemetry.tracing;

import dev.stackwatch.config.ConfigException;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The standard {@code OTEL_*} variables Stackwatch honours, read from the environment it is given (never from
 * {@code System.getenv()} behind its back, so tests can pass their own). Tracing is off unless an OTLP endpoint is
 * configured: the SDK's own default (localhost:4318) would make every server without a collector log export errors.
 * Only OTLP over http/protobuf is supported.
 */
public record TracingSettings(URI endpoint, Map<String, String> headers, Map<String, String> resource,
                              Sampler sampler, Duration scheduleDelay) {
    static final String DEFAULT_SERVICE_NAME = "llamastack";
    static final double DEFAULT_RATIO = 0.1;
    private static final String SOURCE = "environment";

    /** Empty when tracing is off. */
    public static Optional<TracingSettings> fromEnv(Map<String, String> env) {
        if (Boolean.parseBoolean(value(env, "OTEL_SDK_DISABLED", "false"))) {
            return Optional.empty();
        }
        String exporter = value(env, "OTEL_TRACES_EXPORTER", "otlp");
        if (exporter.equals("none")) {
            return Optional.empty();
        }
        if (!exporter.equals("otlp")) {
            throw new ConfigException(SOURCE, "OTEL_TRACES_EXPORTER", "'" + exporter + "' is not supported (otlp, none)");
        }
        String protocol = value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", value(env, "OTEL_EXPORTER_OTLP_PROTOCOL",
                "http/protobuf"));
        if (!protocol.equals("http/protobuf")) {
            throw new ConfigException(SOURCE, "OTEL_EXPORTER_OTLP_PROTOCOL", "'" + protocol
                    + "' is not supported (http/protobuf)");
        }
        Optional<URI> endpoint = endpoint(env);
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> resource = new LinkedHashMap<>(pairs(env, "OTEL_RESOURCE_ATTRIBUTES"));
        resource.put("service.name", value(env, "OTEL_SERVICE_NAME",
                resource.getOrDefault("service.name", DEFAULT_SERVICE_NAME)));
        String headersVariable = env.containsKey("OTEL_EXPORTER_OTLP_TRACES_HEADERS")
                ? "OTEL_EXPORTER_OTLP_TRACES_HEADERS" : "OTEL_EXPORTER_OTLP_HEADERS";
        return Optional.of(new TracingSettings(endpoint.get(), pairs(env, headersVariable), Map.copyOf(resource),
                sampler(env), Duration.ofMillis(number(env, "OTEL_BSP_SCHEDULE_DELAY", 5000, 1, 3_600_000))));
    }

    /** Never prints the export headers: they usually carry the collector's API key. */
    @Override
    public String toString() {
        return "TracingSettings[endpoint=" + endpoint + ", headers=" + headers.keySet() + ", resource=" + resource
                + ", sampler=" + sampler.getDescription() + ", scheduleDelay=" + scheduleDelay + "]";
    }

    private static Optional<URI> endpoint(Map<String, String> env) {
        String traces = value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "");
        String base = value(env, "OTEL_EXPORTER_OTLP_ENDPOINT", "");
        // The per-signal variable is the full URL; the generic one is a base that gets the signal's path appended.
        String url = !traces.isEmpty() ? traces
                : base.isEmpty() ? "" : base.replaceAll("/+$", "") + "/v1/traces";
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
        throw new ConfigException(SOURCE, traces.isEmpty() ? "OTEL_EXPORTER_OTLP_ENDPOINT"
                : "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "'" + url + "' is not an http(s) URL");
    }

    private static Sampler sampler(Map<String, String> env) {
        String name = value(env, "OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
        double ratio = name.endsWith("traceidratio") ? ratio(env) : 1.0;
        return switch (name) {
            case "always_on" -> Sampler.alwaysOn();
            case "always_off" -> Sampler.alwaysOff();
            case "traceidratio" -> Sampler.traceIdRatioBased(ratio);
            case "parentbased_always_on" -> Sampler.parentBased(Sampler.alwaysOn());
            case "parentbased_always_off" -> Sampler.parentBased(Sampler.alwaysOff());
            case "parentbased_traceidratio" -> Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
            default -> throw new ConfigException(SOURCE, "OTEL_TRACES_SAMPLER", "'" + name + "' is not supported");
        };
    }

    private static double ratio(Map<String, String> env) {
        String raw = value(env, "OTEL_TRACES_SAMPLER_ARG", String.valueOf(DEFAULT_RATIO));
        try {
            double ratio = Double.parseDouble(raw);
            if (ratio >= 0 && ratio <= 1) {
                return ratio;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the variable's name
        }
        throw new ConfigException(SOURCE, "OTEL_TRACES_SAMPLER_ARG", "'" + raw + "' is not a ratio in [0, 1]");
    }

    private static long number(Map<String, String> env, String name, long fallback, long min, long max) {
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
    private static Map<String, String> pairs(Map<String, String> env, String name) {
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

    private static String value(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
