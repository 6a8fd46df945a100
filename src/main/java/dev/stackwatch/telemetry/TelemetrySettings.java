package dev.stackwatch.telemetry;

import dev.stackwatch.telemetry.logging.LogSettings;
import dev.stackwatch.telemetry.metrics.MetricsSettings;
import dev.stackwatch.telemetry.tracing.TracingSettings;
import java.util.Map;
import java.util.Optional;

/**
 * How the telemetry layer runs, from the environment: logging ({@code LOG_*}), tracing ({@code OTEL_*}, off if empty)
 * and where metrics go ({@code OTEL_METRICS_EXPORTER} and the OTLP variables).
 */
public record TelemetrySettings(LogSettings logs, Optional<TracingSettings> tracing, MetricsSettings metrics) {
    /** Text logs at info, no prompts, no tracing, /metrics only: what tests and embedders get unless they ask. */
    public static final TelemetrySettings DEFAULTS = new TelemetrySettings(LogSettings.DEFAULTS, Optional.empty(),
            MetricsSettings.DEFAULTS);

    public static TelemetrySettings fromEnv(Map<String, String> env) {
        return new TelemetrySettings(LogSettings.fromEnv(env), TracingSettings.fromEnv(env),
                MetricsSettings.fromEnv(env));
    }
}
