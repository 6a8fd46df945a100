package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fluentd, Fluent Bit and the OpenTelemetry Collector cannot run here (none is obtainable), so these configs are
 * checked for consistency only: with each other, with Stackwatch's log format and with the OTLP settings the
 * Deployment gives the server. Their ConfigMap wrappers are built with kustomize in {@link KubernetesManifestsTest}.
 */
class LogAndTraceConfigTest {
    static final String LOG_GLOB = "/var/log/containers/*llamastack*.log";

    @Test
    void fluentdTailsStackwatchParsesItsJsonAndShipsToTheSeedIndex() throws IOException {
        String conf = Files.readString(Repo.DEPLOY.resolve("logging/fluentd/fluent.conf"));
        assertTrue(conf.contains("path " + LOG_GLOB), "tails the Stackwatch containers");
        assertTrue(conf.contains("@type elasticsearch") && conf.contains("index_name llamastack-logs"), "seed index");
        assertTrue(conf.contains("key_name log") && conf.contains("time_key @timestamp"), "parses the app's JSON line and its @timestamp");
        assertTrue(conf.contains("include_timestamp false"), "no second @timestamp");
        // Every <section> is closed: a quick structural check of the Fluentd syntax.
        for (String section : List.of("source", "filter", "match", "parse", "buffer")) {
            long open = conf.lines().filter(l -> l.trim().startsWith("<" + section)).count();
            long close = conf.lines().filter(l -> l.trim().equals("</" + section + ">")).count();
            assertEquals(open, close, "<" + section + "> opened " + open + " closed " + close);
        }
    }

    @Test
    void fluentBitHasTheSamePipeline() {
        JsonNode cfg = Repo.yaml(Repo.DEPLOY.resolve("logging/fluent-bit/fluent-bit.yaml"));
        JsonNode in = cfg.path("pipeline").path("inputs").get(0);
        assertEquals("tail", in.path("name").asText());
        assertEquals(LOG_GLOB, in.path("path").asText());
        JsonNode filter = cfg.path("pipeline").path("filters").get(0);
        assertEquals("kubernetes", filter.path("name").asText());
        assertTrue(filter.path("merge_log").asBoolean(), "merge the application's JSON into the record");
        JsonNode out = cfg.path("pipeline").path("outputs").get(0);
        assertEquals("es", out.path("name").asText());
        assertEquals("llamastack-logs", out.path("index").asText());
        assertFalse(out.path("time_key").asText("@timestamp").equals("@timestamp"), "the app already writes @timestamp");
        for (JsonNode step : List.of(filter, out)) {
            assertEquals("kube.*", step.path("match").asText(), "matches the input's tag " + in.path("tag").asText());
        }
        assertEquals("kube.*", in.path("tag").asText());
    }

    @Test
    void otelCollectorPipelinesUseDefinedComponentsAndTheDeploymentsEndpoint() {
        JsonNode cfg = Repo.yaml(Repo.DEPLOY.resolve("tracing/otel-collector.yaml"));
        List<String> problems = new ArrayList<>();
        cfg.path("service").path("pipelines").fields().forEachRemaining(p -> {
            for (String kind : List.of("receivers", "processors", "exporters")) {
                for (JsonNode c : p.getValue().path(kind)) {
                    if (!cfg.path(kind).has(c.asText())) {
                        problems.add(p.getKey() + " uses undefined " + kind + " " + c.asText());
                    }
                }
            }
        });
        cfg.path("service").path("extensions").forEach(e -> {
            if (!cfg.path("extensions").has(e.asText())) {
                problems.add("undefined extension " + e.asText());
            }
        });
        assertEquals(List.of(), problems);
        assertTrue(cfg.path("service").path("pipelines").has("traces"));
        // OTEL_METRICS_EXPORTER=otlp pushes to the same receiver; the metrics pipeline takes it from there.
        assertEquals("otlp", cfg.path("service").path("pipelines").path("metrics").path("receivers").path(0).asText());
        assertTrue(cfg.path("service").path("pipelines").path("metrics").path("exporters").size() > 0);
        // The Deployment sends OTLP/HTTP to the port the collector's http receiver listens on.
        JsonNode dep = Repo.yaml(Repo.DEPLOY.resolve("kubernetes/base/deployment.yaml"));
        String endpoint = null;
        String protocol = null;
        for (JsonNode e : dep.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
            if (e.path("name").asText().equals("OTEL_EXPORTER_OTLP_ENDPOINT")) {
                endpoint = e.path("value").asText();
            }
            if (e.path("name").asText().equals("OTEL_EXPORTER_OTLP_PROTOCOL")) {
                protocol = e.path("value").asText();
            }
        }
        assertEquals("http/protobuf", protocol);
        String httpReceiver = cfg.path("receivers").path("otlp").path("protocols").path("http").path("endpoint").asText();
        assertEquals(URI.create(endpoint).getPort(), Integer.parseInt(httpReceiver.substring(httpReceiver.lastIndexOf(':') + 1)));
    }
}
