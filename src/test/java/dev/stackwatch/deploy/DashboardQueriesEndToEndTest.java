package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a real Stackwatch under traffic, scraped by a real Prometheus through the shipped Kubernetes
 * pod-discovery job (its relabel rules run as shipped; Debian's Prometheus lacks Kubernetes SD, so the pods are
 * described to it through file_sd with the same __meta_kubernetes_* labels). Then every dashboard query and every
 * recording rule must parse and return data.
 */
class DashboardQueriesEndToEndTest {
    static final String CONFIG = """
            version: 2
            providers:
              inference:
              - provider_id: simulator
                provider_type: inline::simulator
                config: {ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 4, max_tokens: 8, distribution: true}
              - provider_id: flaky
                provider_type: inline::simulator
                config: {ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 4, max_tokens: 8}
            registered_resources:
              models:
              - {model_id: sim-chat, provider_id: simulator, model_type: llm}
              - {model_id: sim-embed, provider_id: simulator, model_type: embedding, metadata: {embedding_dimension: 8}}
              - {model_id: broken-chat, provider_id: flaky, model_type: llm, metadata: {error_rate: 1.0}}
            server:
              usage:
                prices:
                  sim-chat: {input_per_million: 1, output_per_million: 2}
                quotas:
                  anonymous: {requests_per_minute: 1000000, tokens_per_day: 1000000000}
            """;
    /** Series that cannot exist off Kubernetes (cAdvisor, kube-state-metrics) or in a simulator-only configuration. */
    static final Set<String> NOT_HERE = Set.of("container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
            "container_spec_memory_limit_bytes", "kube_pod_container_status_restarts_total",
            "llamastack_circuit_state"); // only remote providers have a circuit; this config has simulators only

    @TempDir
    static Path tmp;
    static StackwatchServer server;
    static MonitoringStack stack;
    static Traffic traffic;

    @BeforeAll
    static void start() throws Exception {
        ExternalTools.require("prometheus");
        server = TestServers.start(CONFIG);
        traffic = new Traffic(server::port, () -> List.of(Traffic.chat("sim-chat", true), Traffic.chat("sim-chat", false),
                Traffic.embed("sim-embed"), Traffic.chat("broken-chat", false), Traffic.chat("no-such-model", false),
                Traffic.responses("sim-chat", true), Traffic.responses("sim-chat", false)));
        stack = new MonitoringStack();
        Path rules = tmp.resolve("rules");
        MonitoringStack.writeFastRules(rules, "10s");
        // The shipped Kubernetes job, discovery swapped for file_sd carrying what Kubernetes SD would report.
        JsonNode shipped = Repo.yaml(Repo.PROMETHEUS_YML);
        ObjectNode k8sJob = null;
        for (JsonNode j : shipped.path("scrape_configs")) {
            if (j.has("kubernetes_sd_configs")) {
                k8sJob = (ObjectNode) j.deepCopy();
            }
        }
        assertTrue(k8sJob != null, "prometheus.yml has a Kubernetes pod-discovery job");
        k8sJob.remove("kubernetes_sd_configs");
        k8sJob.putArray("file_sd_configs").addObject().putArray("files").add(tmp.resolve("pods.json").toString());
        int mport = server.managementPort();
        Files.writeString(tmp.resolve("pods.json"), """
                [{"targets": ["127.0.0.1:%d"], "labels": {"__meta_kubernetes_pod_label_app": "llamastack",
                   "__meta_kubernetes_pod_container_port_name": "metrics", "__meta_kubernetes_namespace": "ai",
                   "__meta_kubernetes_pod_name": "llamastack-0", "__meta_kubernetes_pod_container_name": "llamastack"}},
                 {"targets": ["127.0.0.1:%d"], "labels": {"__meta_kubernetes_pod_label_app": "llamastack",
                   "__meta_kubernetes_pod_container_port_name": "http", "__meta_kubernetes_namespace": "ai",
                   "__meta_kubernetes_pod_name": "llamastack-0", "__meta_kubernetes_pod_container_name": "llamastack"}},
                 {"targets": ["127.0.0.1:1"], "labels": {"__meta_kubernetes_pod_label_app": "other",
                   "__meta_kubernetes_pod_container_port_name": "metrics", "__meta_kubernetes_namespace": "ai",
                   "__meta_kubernetes_pod_name": "other-0"}}]
                """.formatted(mport, server.port()));
        stack.startPrometheus(tmp, stack.prometheusConfig(List.of(k8sJob), rules));
        // Wait until every rate() window has two scrapes of traffic in it.
        Polling.await(Duration.ofSeconds(40), "rates over 10s windows of traffic", () ->
                stack.query("sum(rate(llamastack_time_to_first_token_seconds_count[10s])) > 0").path("result").size() > 0
                        && stack.query("sum(rate(llamastack_provider_errors_total[10s])) > 0").path("result").size() > 0);
    }

    @AfterAll
    static void stop() {
        if (traffic != null) {
            traffic.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void podDiscoveryRelabelingKeepsOnlyTheMetricsPortOfAppLlamastack() {
        JsonNode up = stack.query("up").path("result");
        assertEquals(1, up.size(), "exactly one target (app=other and the http port dropped): " + up);
        JsonNode labels = up.get(0).path("metric");
        assertEquals("llamastack", labels.path("job").asText());
        assertEquals("ai", labels.path("namespace").asText());
        assertEquals("llamastack-0", labels.path("pod").asText());
        assertEquals("1", up.get(0).path("value").get(1).asText());
    }

    @Test
    void everyDashboardQueryReturnsData() {
        List<String> skipped = new ArrayList<>();
        Map<String, String> failures = dashboardQueryFailures(stack, skipped);
        assertEquals(Map.of(), failures);
    }

    /**
     * Runs every dashboard query (variables as "All", rate windows 10 s) against {@code stack}; what returned no data or
     * failed, by panel/refId. Queries on series that cannot exist here ({@link #NOT_HERE}) must still parse.
     */
    static Map<String, String> dashboardQueryFailures(MonitoringStack stack, List<String> skipped) {
        Map<String, String> failures = new TreeMap<>();
        int checked = 0;
        for (Path f : Repo.files(Repo.DASHBOARDS_DIR, ".json")) {
            JsonNode d = Repo.json(f);
            for (JsonNode p : d.path("panels")) {
                for (JsonNode t : p.path("targets")) {
                    String where = f.getFileName() + ":" + p.path("title").asText() + "/" + t.path("refId").asText();
                    String expr = t.path("expr").asText();
                    String q = expr.replace("$__rate_interval", "10s").replaceAll("\\$(namespace|instance|model|job|provider|key)\\b", ".*");
                    if (MetricContractTest.metricNames(expr).stream().map(MetricContractTest::family).anyMatch(NOT_HERE::contains)) {
                        stack.query(q); // must still parse: query() fails on anything but status "success"
                        skipped.add(where);
                        continue;
                    }
                    checked++;
                    try {
                        JsonNode result = stack.query(q).path("result");
                        if (result.isEmpty()) {
                            failures.put(where, "no data: " + q);
                        }
                    } catch (AssertionError e) {
                        failures.put(where, e.getMessage());
                    }
                }
            }
        }
        System.out.println("dashboard queries checked: " + checked + "; parsed only (Kubernetes-only or not exposed): " + skipped);
        assertTrue(checked >= 20, "checked " + checked);
        return failures;
    }

    @Test
    void dashboardVariablesFindTheirValues() {
        assertTrue(stack.labelValues("job", "llamastack_build_info").toString().contains("\"llamastack\""));
        assertTrue(stack.labelValues("namespace", "llamastack_build_info").toString().contains("\"ai\""));
        String providers = stack.labelValues("provider", "llamastack_provider_health").toString();
        assertTrue(providers.contains("simulator") && providers.contains("flaky"), providers);
        assertTrue(stack.labelValues("instance", "llamastack_build_info{namespace=~\"ai\"}").toString().contains("127.0.0.1:"));
        String models = stack.labelValues("model", "llamastack_model_ready").toString();
        assertTrue(models.contains("sim-chat") && models.contains("broken-chat"), models);
    }

    /** Every recording rule evaluates to data (the 1 s time-to-first-token bucket exists, label le="1.0"). */
    @Test
    void recordingRulesProduceData() {
        List<String> empty = new ArrayList<>();
        for (Path f : Repo.files(Repo.RULES_DIR, ".yml")) {
            for (JsonNode g : Repo.yaml(f).path("groups")) {
                for (JsonNode r : g.path("rules")) {
                    if (r.has("record")) {
                        String name = r.path("record").asText();
                        try {
                            Polling.await(Duration.ofSeconds(10), name, () -> stack.query(name).path("result").size() > 0);
                        } catch (AssertionError e) {
                            empty.add(name);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), empty);
        double errors = stack.query("llamastack:request_errors:ratio_rate5m").path("result").get(0).path("value").get(1).asDouble();
        assertTrue(errors > 0.05 && errors < 0.5, "broken-chat fails 1 request in 5: " + errors);
    }
}
