package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.config.ConfigException;
import dev.stackwatch.telemetry.OtelEnv;
import dev.stackwatch.telemetry.metrics.otlp.OtlpMetricsSettings;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where metrics go, from {@code OTEL_METRICS_EXPORTER}: {@code prometheus} (GET /metrics, the default), {@code otlp}
 * (pushed), both as a comma list, or {@code none}. The registry records either way, for the console.
 */
public record MetricsSettings(boolean prometheus, Optional<OtlpMetricsSettings> otlp) {
    /** Today's behaviour: /metrics and no push. */
    public static final MetricsSettings DEFAULTS = new MetricsSettings(true, Optional.empty());
    private static final String VARIABLE = "OTEL_METRICS_EXPORTER";
    private static final Set<String> KNOWN = Set.of("prometheus", "otlp", "none");

    public static MetricsSettings fromEnv(Map<String, String> env) {
        Set<String> exporters = new LinkedHashSet<>();
        Arrays.stream(OtelEnv.value(env, VARIABLE, "prometheus").split(","))
                .map(String::trim).filter(e -> !e.isEmpty()).forEach(exporters::add);
        for (String e : exporters) {
            if (!KNOWN.contains(e)) {
                throw new ConfigException(OtelEnv.SOURCE, VARIABLE, "'" + e + "' is not supported (prometheus, otlp,"
                        + " none, or a comma list of prometheus and otlp)");
            }
        }
        if (exporters.contains("none") && exporters.size() > 1) {
            throw new ConfigException(OtelEnv.SOURCE, VARIABLE, "'none' cannot be combined with other exporters");
        }
        // OTEL_SDK_DISABLED turns the OpenTelemetry SDK off; /metrics is not part of it.
        boolean sdkOn = !Boolean.parseBoolean(OtelEnv.value(env, "OTEL_SDK_DISABLED", "false"));
        Optional<OtlpMetricsSettings> otlp = exporters.contains("otlp") && sdkOn
                ? Optional.of(OtlpMetricsSettings.fromEnv(env)) : Optional.empty();
        return new MetricsSettings(exporters.contains("prometheus"), otlp);
    }
}
