package dev.stackwatch.telemetry.tracing;

import dev.stackwatch.config.ConfigException;
import dev.stackwatch.telemetry.OtelEnv;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Duration;
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
    static final double DEFAULT_RATIO = 0.1;
    private static final String SOURCE = OtelEnv.SOURCE;

    /** Empty when tracing is off. */
    public static Optional<TracingSettings> fromEnv(Map<String, String> env) {
        if (Boolean.parseBoolean(OtelEnv.value(env, "OTEL_SDK_DISABLED", "false"))) {
            return Optional.empty();
        }
        String exporter = OtelEnv.value(env, "OTEL_TRACES_EXPORTER", "otlp");
        if (exporter.equals("none")) {
            return Optional.empty();
        }
        if (!exporter.equals("otlp")) {
            throw new ConfigException(SOURCE, "OTEL_TRACES_EXPORTER", "'" + exporter + "' is not supported (otlp, none)");
        }
        String protocol = OtelEnv.value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
                OtelEnv.value(env, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        if (!protocol.equals("http/protobuf")) {
            throw new ConfigException(SOURCE, "OTEL_EXPORTER_OTLP_PROTOCOL", "'" + protocol
                    + "' is not supported (http/protobuf)");
        }
        Optional<URI> endpoint = OtelEnv.endpoint(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "/v1/traces");
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        String headersVariable = env.containsKey("OTEL_EXPORTER_OTLP_TRACES_HEADERS")
                ? "OTEL_EXPORTER_OTLP_TRACES_HEADERS" : "OTEL_EXPORTER_OTLP_HEADERS";
        return Optional.of(new TracingSettings(endpoint.get(), OtelEnv.pairs(env, headersVariable),
                OtelEnv.resource(env), sampler(env),
                Duration.ofMillis(OtelEnv.number(env, "OTEL_BSP_SCHEDULE_DELAY", 5000, 1, 3_600_000))));
    }

    /** Never prints the export headers: they usually carry the collector's API key. */
    @Override
    public String toString() {
        return "TracingSettings[endpoint=" + endpoint + ", headers=" + headers.keySet() + ", resource=" + resource
                + ", sampler=" + sampler.getDescription() + ", scheduleDelay=" + scheduleDelay + "]";
    }

    private static Sampler sampler(Map<String, String> env) {
        String name = OtelEnv.value(env, "OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
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
        String raw = OtelEnv.value(env, "OTEL_TRACES_SAMPLER_ARG", String.valueOf(DEFAULT_RATIO));
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
}
