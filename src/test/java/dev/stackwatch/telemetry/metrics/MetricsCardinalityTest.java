package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.testing.Scrape;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Labels stay inside their bounded sets whatever reaches Metrics: unknown models and methods become "other". */
class MetricsCardinalityTest {
    static Model model(String id) {
        return new Model(id, "p", id, ModelType.LLM, JsonNodeFactory.instance.objectNode());
    }

    @Test
    void unregisteredModelsAndOddMethodsCollapseToOther() throws IOException {
        Metrics metrics = new Metrics(new PrometheusRegistry(), new BuildInfo("test"), List.of(model("known")));
        for (int i = 0; i < 50; i++) {
            metrics.call(model("user-typed-" + i), Operation.CHAT, false).inputTokens().inc();
            metrics.modelLoaded(model("user-typed-" + i), Duration.ofMillis(1));
            metrics.requestFinished("X-METHOD-" + i, "other", 404, 1);
        }
        metrics.call(model("known"), Operation.CHAT, false).inputTokens().inc(2);

        Scrape scrape = scrape(metrics);
        assertEquals(Set.of("known", "other"), values(scrape, "llamastack_tokens_total", "model"));
        assertEquals(50, scrape.sum("llamastack_tokens_total", Map.of("model", "other", "provider", "other")));
        assertEquals(Set.of("other"), values(scrape, "llamastack_model_load_time_seconds", "model"));
        assertEquals(Set.of("other"), values(scrape, "llamastack_requests_total", "method"));
        assertEquals(50, scrape.sum("llamastack_requests_total"));
    }

    private static Set<String> values(Scrape scrape, String metric, String label) {
        return scrape.series(metric).stream().map(l -> l.get(label)).collect(Collectors.toSet());
    }

    private static Scrape scrape(Metrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return Scrape.parse(out.toString(StandardCharsets.UTF_8));
    }
}
