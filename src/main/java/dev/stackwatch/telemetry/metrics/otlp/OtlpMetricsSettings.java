package dev.stackwatch.telemetry.metrics.otlp;

import dev.stackwatch.config.ConfigException;
import dev.stackwatch.telemetry.OtelEnv;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The OTLP metrics push, from the standard variables: per-signal {@code OTEL_EXPORTER_OTLP_METRICS_*} first, then the
 * generic {@code OTEL_EXPORTER_OTLP_*}. Only http/protobuf: gRPC would need a gRPC stack (OkHttp or grpc-java) this
 * build leaves out, and every collector takes OTLP/HTTP.
 */
public record OtlpMetricsSettings(URI endpoint, Map<String, String> headers, Map<String, String> resource,
                                  Duration interval, Duration timeout, Temporality temporality) {
    /** The specification's default when {@code otlp} is asked for and no endpoint is given. */
    static final String DEFAULT_ENDPOINT = "http://localhost:4318/v1/metrics";
    private static final String SOURCE = OtelEnv.SOURCE;

    /** OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE. */
    public enum Temporality { CUMULATIVE, DELTA, LOWMEMORY }

    public static OtlpMetricsSettings fromEnv(Map<String, String> env) {
        String protocolVariable = OtelEnv.either(env, "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
                "OTEL_EXPORTER_OTLP_PROTOCOL");
        String protocol = OtelEnv.value(env, protocolVariable, "http/protobuf");
        if (!protocol.equals("http/protobuf")) {
            throw new ConfigException(SOURCE, protocolVariable, "'" + protocol + "' is not supported (http/protobuf)");
        }
        URI endpoint = OtelEnv.endpoint(env, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "/v1/metrics")
                .orElse(URI.create(DEFAULT_ENDPOINT));
        String headers = OtelEnv.either(env, "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS");
        String timeout = OtelEnv.either(env, "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT");
        return new OtlpMetricsSettings(endpoint, OtelEnv.pairs(env, headers), OtelEnv.resource(env),
                Duration.ofMillis(OtelEnv.number(env, "OTEL_METRIC_EXPORT_INTERVAL", 60_000, 1, 86_400_000)),
                Duration.ofMillis(OtelEnv.number(env, timeout, 10_000, 1, 600_000)),
                temporality(env));
    }

    private static Temporality temporality(Map<String, String> env) {
        String variable = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
        String raw = OtelEnv.value(env, variable, "cumulative");
        try {
            return Temporality.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SOURCE, variable, "'" + raw + "' is not supported (cumulative, delta, lowmemory)");
        }
    }

    /** Never prints the export headers: they usually carry the collector's API key. */
    @Override
    public String toString() {
        return "OtlpMetricsSettings[endpoint=" + endpoint + ", headers=" + headers.keySet() + ", resource=" + resource
                + ", interval=" + interval + ", timeout=" + timeout + ", temporality=" + temporality + "]";
    }
}
