package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.config.ConfigException;
import dev.stackwatch.telemetry.metrics.otlp.OtlpMetricsSettings;
import dev.stackwatch.telemetry.metrics.otlp.OtlpMetricsSettings.Temporality;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** OTEL_METRICS_EXPORTER and the OTLP metrics variables: what they select, and one clear message when wrong. */
class MetricsSettingsTest {

    @Test
    void prometheusAloneIsTheDefault() {
        assertEquals(MetricsSettings.DEFAULTS, MetricsSettings.fromEnv(Map.of()));
        assertEquals(MetricsSettings.DEFAULTS, MetricsSettings.fromEnv(Map.of("OTEL_METRICS_EXPORTER", " ")));
    }

    @Test
    void aCommaListTurnsOnBothAndNoneTurnsOffBoth() {
        MetricsSettings both = MetricsSettings.fromEnv(Map.of("OTEL_METRICS_EXPORTER", "prometheus, otlp"));
        assertTrue(both.prometheus());
        assertTrue(both.otlp().isPresent());
        MetricsSettings none = MetricsSettings.fromEnv(Map.of("OTEL_METRICS_EXPORTER", "none"));
        assertFalse(none.prometheus());
        assertEquals(Optional.empty(), none.otlp());
        MetricsSettings disabled = MetricsSettings.fromEnv(Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_SDK_DISABLED", "true"));
        assertEquals(Optional.empty(), disabled.otlp(), "OTEL_SDK_DISABLED turns the push off");
    }

    @Test
    void theGenericEndpointGetsTheSignalPathAndThePerSignalVariablesWin() {
        OtlpMetricsSettings generic = otlp(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/",
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=generic", "OTEL_SERVICE_NAME", "svc",
                "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod"));
        assertEquals(URI.create("http://collector:4318/v1/metrics"), generic.endpoint());
        assertEquals(Map.of("api-key", "generic"), generic.headers());
        assertEquals(Map.of("service.name", "svc", "deployment.environment", "prod"), generic.resource());
        assertEquals(Duration.ofSeconds(60), generic.interval(), "the specification's default");
        assertEquals(Temporality.CUMULATIVE, generic.temporality());

        OtlpMetricsSettings specific = otlp(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "https://metrics.example.com/otlp/push",
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=generic",
                "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "api-key=metrics",
                "OTEL_METRIC_EXPORT_INTERVAL", "15000",
                "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "Delta"));
        assertEquals(URI.create("https://metrics.example.com/otlp/push"), specific.endpoint(), "used as it is");
        assertEquals(Map.of("api-key", "metrics"), specific.headers());
        assertEquals(Duration.ofSeconds(15), specific.interval());
        assertEquals(Temporality.DELTA, specific.temporality());
        assertFalse(specific.toString().contains("metrics\""), "headers never printed: " + specific);
        assertFalse(specific.toString().contains("=metrics"), "headers never printed: " + specific);

        assertEquals(URI.create("http://localhost:4318/v1/metrics"), otlp(Map.of()).endpoint(), "spec default");
        assertEquals(Temporality.LOWMEMORY, otlp(Map.of("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
                "lowmemory")).temporality());
    }

    @Test
    void everyInvalidValueStopsStartUpNamingItsVariable() {
        assertRefused("OTEL_METRICS_EXPORTER", Map.of("OTEL_METRICS_EXPORTER", "statsd"));
        assertRefused("OTEL_METRICS_EXPORTER", Map.of("OTEL_METRICS_EXPORTER", "none,otlp"));
        assertRefused("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "grpc"));
        assertRefused("OTEL_EXPORTER_OTLP_PROTOCOL", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"));
        assertRefused("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "collector:4318"));
        assertRefused("OTEL_EXPORTER_OTLP_ENDPOINT", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector"));
        assertRefused("OTEL_METRIC_EXPORT_INTERVAL", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_METRIC_EXPORT_INTERVAL", "10s"));
        assertRefused("OTEL_METRIC_EXPORT_INTERVAL", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_METRIC_EXPORT_INTERVAL", "0"));
        assertRefused("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes"));
        assertRefused("OTEL_EXPORTER_OTLP_METRICS_HEADERS", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "no-equals-sign"));
        assertRefused("OTEL_EXPORTER_OTLP_TIMEOUT", Map.of("OTEL_METRICS_EXPORTER", "otlp",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "-1"));
    }

    private static OtlpMetricsSettings otlp(Map<String, String> env) {
        Map<String, String> withOtlp = new java.util.HashMap<>(env);
        withOtlp.put("OTEL_METRICS_EXPORTER", "otlp");
        return MetricsSettings.fromEnv(withOtlp).otlp().orElseThrow();
    }

    private static void assertRefused(String variable, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> MetricsSettings.fromEnv(env), env.toString());
        assertTrue(e.getMessage().startsWith("environment: " + variable + ": "), e.getMessage());
    }
}
