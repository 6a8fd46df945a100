package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.Polling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each Prometheus config loads where its doc tells users to run it. The one-machine config is started, as shipped and
 * from where it lies, in Debian's Prometheus (docs/monitoring.md: {@code prometheus --config.file=...}); the
 * Kubernetes config is what the plain-prometheus ConfigMap carries, and holds no job that needs this machine.
 * (Debian's build has no Kubernetes discovery, so the Kubernetes file itself is promtool-checked with discovery
 * swapped out, in PrometheusRulesTest.)
 */
class PrometheusConfigsTest {

    @Test
    void theOneMachineConfigStartsInDebiansPrometheusWithTheShippedRules(@TempDir Path tmp) throws Exception {
        try (MonitoringStack stack = new MonitoringStack()) {
            stack.startPrometheusAsShipped(tmp, Repo.PROMETHEUS_HOST_YML);
            JsonNode rules = Repo.JSON.readTree(stack.get("http://127.0.0.1:" + stack.prometheusPort
                    + "/api/v1/rules").body());
            List<String> files = new ArrayList<>();
            rules.path("data").path("groups").forEach(g -> files.add(Path.of(g.path("file").asText()).getFileName()
                    .toString()));
            for (Path rule : Repo.files(Repo.RULES_DIR, ".yml")) {
                assertTrue(files.contains(rule.getFileName().toString()), rule + " loaded: " + files);
            }
            // Discovery hands Prometheus its targets a few seconds after start.
            JsonNode targets = Polling.awaitValue(Duration.ofSeconds(30), "the static target", () -> {
                try {
                    JsonNode active = Repo.JSON.readTree(stack.get("http://127.0.0.1:" + stack.prometheusPort
                            + "/api/v1/targets").body()).path("data").path("activeTargets");
                    return active.isEmpty() ? null : active;
                } catch (IOException e) {
                    return null;
                }
            });
            assertEquals(1, targets.size(), targets.toString());
            assertEquals("llamastack", targets.get(0).path("labels").path("job").asText(), targets.toString());
            assertEquals("localhost:8080", targets.get(0).path("labels").path("instance").asText());
        }
    }

    @Test
    void theKubernetesConfigIsTheOneTheConfigMapCarriesAndUsesOnlyPodDiscovery() throws IOException {
        Path kubectl = ExternalTools.require("kubectl");
        Repo.Result r = Repo.run(Repo.ROOT, 60, Map.of("KUBECONFIG", "/dev/null"),
                List.of(kubectl.toString(), "kustomize", "deploy/prometheus"));
        assertEquals(0, r.exitCode(), r.output());
        JsonNode configMap = Repo.YAML.readTree(r.output());
        assertEquals(Files.readString(Repo.PROMETHEUS_YML), configMap.path("data").path("prometheus.yml").asText());
        for (JsonNode job : Repo.yaml(Repo.PROMETHEUS_YML).path("scrape_configs")) {
            assertTrue(job.has("kubernetes_sd_configs"), job.toString());
            assertFalse(job.has("static_configs"), "a static localhost job does not belong in a cluster: " + job);
        }
    }
}
