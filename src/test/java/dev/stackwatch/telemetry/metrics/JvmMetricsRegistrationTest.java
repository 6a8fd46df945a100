package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Stackwatch's own registration of the JVM metrics exposes what client_java's JvmMetrics would. */
class JvmMetricsRegistrationTest {
    @Test
    void sameSeriesNamesAsJvmMetricsWithoutNativeMemoryTracking() {
        PrometheusRegistry ours = new PrometheusRegistry();
        Metrics.registerJvmMetrics(ours);
        PrometheusRegistry library = new PrometheusRegistry();
        JvmMetrics.builder().register(library);
        Set<String> names = names(ours);
        assertEquals(names(library), names);
        assertTrue(names.contains("jvm_memory_used_bytes") && names.contains("process_cpu_seconds"), names.toString());
    }

    private static Set<String> names(PrometheusRegistry registry) {
        Set<String> names = new TreeSet<>();
        registry.scrape().forEach(snapshot -> names.add(snapshot.getMetadata().getPrometheusName()));
        return names;
    }
}
