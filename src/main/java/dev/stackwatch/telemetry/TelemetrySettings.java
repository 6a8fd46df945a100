package dev.stackwatch.telemetry;

import dev.stackwatch.telemetry.logging.LogSettings;
import dev.stackwatch.telemetry.tracing.TracingSettings;
import java.util.Map;
import java.util.Optional;

/** How the telemetry layer runs, from the environment: logging ({@code LOG_*}) and tracing ({@code OTEL_*}, off if empty). */
public record TelemetrySettings(LogSettings logs, Optional<TracingSettings> tracing) {
    /** Text logs at info, no prompts, no tracing: what tests and embedders get unless they ask for more. */
    public static final TelemetrySettings DEFAULTS = new TelemetrySettings(LogSettings.DEFAULTS, Optional.empty());

    public static TelemetrySettings fromEnv(Map<String, String> env) {
        return new TelemetrySettings(LogSettings.fromEnv(env), TracingSettings.fromEnv(env));
    }
}
