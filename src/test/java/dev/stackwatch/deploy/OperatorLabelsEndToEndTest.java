package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end under kube-prometheus-stack's labels: a live Stackwatch scraped by a real Prometheus through the scrape
 * config the Prometheus Operator generates for the shipped ServiceMonitor (prometheus-operator pkg/prometheus/promcfg.go,
 * generateServiceMonitorConfig, role endpoints: its target relabelings in its order, honor_labels false, and the
 * ServiceMonitor's metricRelabelings as metric_relabel_configs). Debian's Prometheus has no Kubernetes discovery, so the
 * target carries the __meta_kubernetes_* labels endpoints discovery would give it. The shipped rules then fire on real
 * traffic, and the alert must name the real route, not the port name the operator writes into `endpoint`. The same
 * for the PodMonitor shipped for the LlamaStack operator (role pod, port by number, management on the API port).
 */
class OperatorLabelsEndToEndTest {
    static final Path SERVICE_MONITOR = Repo.DEPLOY.resolve("kubernetes/components/servicemonitor/servicemonitor.yaml");
    static final Path POD_MONITOR = Repo.DEPLOY.resolve("kubernetes/operator/podmonitor.yaml");
    static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    StackwatchServer server;
    MonitoringStack stack;
    Traffic traffic;

    @AfterEach
    void stop() {
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
    void alertsAndQueriesNameTheRouteUnderTheServiceMonitorsTargetLabels() throws Exception {
        ExternalTools.require("prometheus");
        server = TestServers.start(AlertsEndToEndTest.CONFIG);
        JsonNode up = scrapeThrough(operatorJob(server.managementPort()));
        assertEquals(Map.of("__name__", "up", "job", "llamastack", "namespace", "ai", "service", "llamastack", "pod", "llamastack-0",
                "container", "llamastack", "endpoint", "metrics", "instance", "127.0.0.1:" + server.managementPort()),
                Repo.JSON.convertValue(up, Map.class));
        assertRoutesAndAlertNameTheRoute();
    }

    /**
     * Under the LlamaStack operator: its PodMonitor selects the API port by number (8321), so the operator writes
     * endpoint="8321", and the management endpoints share the API listener. Scrapes must not show up as API traffic.
     */
    @Test
    void alertsAndQueriesNameTheRouteUnderTheLlamaStackOperatorsPodMonitor() throws Exception {
        ExternalTools.require("prometheus");
        int port = MonitoringStack.freePort();
        RunConfig config = TestServers.config(AlertsEndToEndTest.CONFIG);
        server = TestServers.startAndAwait(config.withServer(config.server().onLoopback(port, port)));
        JsonNode up = scrapeThrough(podMonitorJob(port));
        assertEquals(Map.of("__name__", "up", "job", "llamastack", "namespace", "ai", "pod", "stackwatch-0",
                "container", "llama-stack", "endpoint", "8321", "instance", "127.0.0.1:" + port),
                Repo.JSON.convertValue(up, Map.class));
        assertRoutesAndAlertNameTheRoute();
        assertFalse(endpoints().contains("other"), "scrapes of /metrics on the API port are not API requests: " + endpoints());
    }

    /** Starts traffic and a Prometheus with the shipped rules scraping through {@code job}; the labels of `up`. */
    private JsonNode scrapeThrough(ObjectNode job) throws Exception {
        traffic = new Traffic(server::port, () -> List.of(Traffic.chat("sim-chat", true), Traffic.chat("broken-chat", false),
                Traffic.embed("sim-embed"), Traffic.responses("sim-chat", true)));
        stack = new MonitoringStack();
        Path rules = tmp.resolve("rules");
        MonitoringStack.writeFastRules(rules, "10s");
        stack.startPrometheus(tmp, stack.prometheusConfig(List.of(job), rules));
        return Polling.awaitValue(BOUND, "first scrape", () -> {
            JsonNode r = stack.query("up == 1").path("result");
            return r.size() == 1 ? r.get(0).path("metric") : null;
        });
    }

    private void assertRoutesAndAlertNameTheRoute() {
        // The routes reach Prometheus in `endpoint`; nothing is left in exported_endpoint.
        Polling.await(BOUND, "routes in endpoint", () -> endpoints().containsAll(Set.of("/v1/embeddings", "/v1/chat/completions")));
        assertFalse(endpoints().contains("metrics") || endpoints().contains("8321"), endpoints().toString());
        assertEquals(0, stack.query("llamastack_requests_total{exported_endpoint!=\"\"}").path("result").size());

        // The error ratio ticket names the failing route in its labels and in its description.
        JsonNode alert = Polling.awaitValue(BOUND, "HighErrorRatio firing", () -> firing("HighErrorRatio"));
        assertEquals("/v1/chat/completions", alert.path("labels").path("endpoint").asText(), alert.toString());
        assertEquals("ai", alert.path("labels").path("namespace").asText());
        String description = alert.path("annotations").path("description").asText();
        assertTrue(description.contains("of requests to /v1/chat/completions in namespace ai returned 5xx"), description);
        assertFalse(description.contains("metrics") || description.contains("8321"), description);
        // The SLI sees inference routes under the operator's labels too: the burn rate is broken-chat's share of them.
        double ratio = stack.query("llamastack:request_errors:ratio_rate5m{namespace=\"ai\", job=\"llamastack\"}")
                .path("result").get(0).path("value").get(1).asDouble();
        assertTrue(ratio > 0.15 && ratio < 0.4, "broken-chat fails 1 of 4 inference requests: " + ratio);
        // Every dashboard query has data under these labels too (the rate windows have seen traffic by now).
        assertEquals(Map.of(), DashboardQueriesEndToEndTest.dashboardQueryFailures(stack, new ArrayList<>()));
        // Every runbook query parses; those about routes (they name `endpoint`) answer with routes, never the port name
        // the operator gives series that have no route of their own (up, in-flight, JVM).
        List<String> queries = runbookQueries();
        assertTrue(queries.size() > 20, "runbook queries found: " + queries.size());
        for (String q : queries) {
            JsonNode result = stack.query(q).path("result");
            if (!q.contains("endpoint")) {
                continue;
            }
            for (JsonNode series : result) {
                String endpoint = series.path("metric").path("endpoint").asText("");
                assertTrue(endpoint.isEmpty() || endpoint.startsWith("/") || endpoint.equals("other"), q + " -> " + series);
            }
        }
    }

    /** The PromQL lines of every ```promql block in docs/runbooks, comments cut and {@code ="<placeholder>"} as any value. */
    static List<String> runbookQueries() {
        List<String> out = new ArrayList<>();
        for (Path f : Repo.files(Repo.RUNBOOKS_DIR, ".md")) {
            boolean in = false;
            try {
                for (String line : java.nio.file.Files.readAllLines(f)) {
                    if (line.startsWith("```")) {
                        in = line.equals("```promql");
                        continue;
                    }
                    String q = line.replaceAll("\\s+#.*$", "").strip();
                    if (in && !q.isEmpty()) {
                        out.add(q.replaceAll("(\\w+)=\"<[^>]+>\"", "$1=~\".*\""));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The routes Prometheus has for llamastack_requests_total, by `endpoint`. */
    private Set<String> endpoints() {
        Set<String> out = new TreeSet<>();
        stack.labelValues("endpoint", "llamastack_requests_total").forEach(v -> out.add(v.asText()));
        return out;
    }

    private JsonNode firing(String alertname) {
        try {
            JsonNode alerts = Repo.JSON.readTree(stack.get("http://127.0.0.1:" + stack.prometheusPort + "/api/v1/alerts").body())
                    .path("data").path("alerts");
            for (JsonNode a : alerts) {
                if (a.path("labels").path("alertname").asText().equals(alertname) && a.path("state").asText().equals("firing")) {
                    return a;
                }
            }
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The job the operator writes for endpoint 0 of the shipped ServiceMonitor, built from that file: its selector,
     * port, jobLabel and metricRelabelings; the rest is the operator's fixed sequence.
     */
    static ObjectNode operatorJob(int port) {
        JsonNode sm = Repo.yaml(SERVICE_MONITOR);
        JsonNode ep = sm.path("spec").path("endpoints").get(0);
        String portName = ep.path("port").asText();
        String jobLabel = sm.path("spec").path("jobLabel").asText();
        ObjectNode job = Repo.JSON.createObjectNode();
        job.put("job_name", "serviceMonitor/ai/" + sm.path("metadata").path("name").asText() + "/0");
        job.put("honor_labels", ep.path("honorLabels").asBoolean(false));
        job.put("metrics_path", ep.path("path").asText("/metrics"));
        ObjectNode target = job.putArray("static_configs").addObject();
        target.putArray("targets").add("127.0.0.1:" + port);
        ObjectNode meta = target.putObject("labels");
        meta.put("__meta_kubernetes_namespace", "ai");
        meta.put("__meta_kubernetes_service_name", "llamastack");
        meta.put("__meta_kubernetes_endpoint_port_name", portName);
        meta.put("__meta_kubernetes_endpoint_address_target_kind", "Pod");
        meta.put("__meta_kubernetes_endpoint_address_target_name", "llamastack-0");
        meta.put("__meta_kubernetes_pod_name", "llamastack-0");
        meta.put("__meta_kubernetes_pod_container_name", "llamastack");
        meta.put("__meta_kubernetes_pod_phase", "Running");
        sm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(l -> {
            meta.put("__meta_kubernetes_service_label_" + sanitize(l.getKey()), l.getValue().asText());
            meta.put("__meta_kubernetes_service_labelpresent_" + sanitize(l.getKey()), "true");
        });
        ArrayNode relabel = job.putArray("relabel_configs");
        relabel.addObject().put("target_label", "__tmp_prometheus_job_name").putArray("source_labels").add("job");
        sm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(l -> {
            ObjectNode keep = relabel.addObject().put("action", "keep").put("regex", "(" + l.getValue().asText() + ");true");
            keep.putArray("source_labels").add("__meta_kubernetes_service_label_" + sanitize(l.getKey()))
                    .add("__meta_kubernetes_service_labelpresent_" + sanitize(l.getKey()));
        });
        relabel.addObject().put("action", "keep").put("regex", portName).putArray("source_labels").add("__meta_kubernetes_endpoint_port_name");
        ObjectNode node = relabel.addObject().put("regex", "Node;(.*)").put("replacement", "${1}").put("target_label", "node");
        node.putArray("source_labels").add("__meta_kubernetes_endpoint_address_target_kind").add("__meta_kubernetes_endpoint_address_target_name");
        ObjectNode pod = relabel.addObject().put("regex", "Pod;(.*)").put("replacement", "${1}").put("target_label", "pod");
        pod.putArray("source_labels").add("__meta_kubernetes_endpoint_address_target_kind").add("__meta_kubernetes_endpoint_address_target_name");
        copy(relabel, "__meta_kubernetes_namespace", "namespace");
        copy(relabel, "__meta_kubernetes_service_name", "service");
        copy(relabel, "__meta_kubernetes_pod_name", "pod");
        copy(relabel, "__meta_kubernetes_pod_container_name", "container");
        relabel.addObject().put("action", "drop").put("regex", "(Failed|Succeeded)").putArray("source_labels").add("__meta_kubernetes_pod_phase");
        copy(relabel, "__meta_kubernetes_service_name", "job");
        if (!jobLabel.isEmpty()) {
            relabel.addObject().put("target_label", "job").put("regex", "(.+)").put("replacement", "${1}")
                    .putArray("source_labels").add("__meta_kubernetes_service_label_" + sanitize(jobLabel));
        }
        relabel.addObject().put("target_label", "endpoint").put("replacement", portName);
        ep.path("relabelings").forEach(r -> relabel.add(snakeCase(r)));
        // Sharding, one shard: what the operator appends last.
        relabel.addObject().put("target_label", "__tmp_hash").put("modulus", 1).put("action", "hashmod").putArray("source_labels").add("__address__");
        relabel.addObject().put("regex", "0").put("action", "keep").putArray("source_labels").add("__tmp_hash");
        ArrayNode metricRelabel = Repo.JSON.createArrayNode();
        ep.path("metricRelabelings").forEach(r -> metricRelabel.add(snakeCase(r)));
        if (!metricRelabel.isEmpty()) {
            job.set("metric_relabel_configs", metricRelabel);
        }
        return job;
    }

    /**
     * The job the operator writes for endpoint 0 of the shipped LlamaStack-operator PodMonitor
     * (generatePodMonitorConfig, role pod), built from that file: selector, targetPort, relabelings, metricRelabelings.
     */
    static ObjectNode podMonitorJob(int port) {
        JsonNode pm = Repo.yaml(POD_MONITOR);
        JsonNode ep = pm.path("spec").path("podMetricsEndpoints").get(0);
        String targetPort = ep.path("targetPort").asText();
        ObjectNode job = Repo.JSON.createObjectNode();
        job.put("job_name", "podMonitor/ai/" + pm.path("metadata").path("name").asText() + "/0");
        job.put("honor_labels", ep.path("honorLabels").asBoolean(false));
        job.put("metrics_path", ep.path("path").asText("/metrics"));
        ObjectNode target = job.putArray("static_configs").addObject();
        target.putArray("targets").add("127.0.0.1:" + port);
        ObjectNode meta = target.putObject("labels");
        meta.put("__meta_kubernetes_namespace", "ai");
        meta.put("__meta_kubernetes_pod_name", "stackwatch-0");
        meta.put("__meta_kubernetes_pod_container_name", "llama-stack");
        meta.put("__meta_kubernetes_pod_container_port_number", targetPort);
        meta.put("__meta_kubernetes_pod_phase", "Running");
        pm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(l -> {
            meta.put("__meta_kubernetes_pod_label_" + sanitize(l.getKey()), l.getValue().asText());
            meta.put("__meta_kubernetes_pod_labelpresent_" + sanitize(l.getKey()), "true");
        });
        ArrayNode relabel = job.putArray("relabel_configs");
        relabel.addObject().put("target_label", "__tmp_prometheus_job_name").putArray("source_labels").add("job");
        relabel.addObject().put("action", "drop").put("regex", "(Failed|Succeeded)").putArray("source_labels").add("__meta_kubernetes_pod_phase");
        pm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(l -> {
            ObjectNode keep = relabel.addObject().put("action", "keep").put("regex", "(" + l.getValue().asText() + ");true");
            keep.putArray("source_labels").add("__meta_kubernetes_pod_label_" + sanitize(l.getKey()))
                    .add("__meta_kubernetes_pod_labelpresent_" + sanitize(l.getKey()));
        });
        relabel.addObject().put("action", "keep").put("regex", targetPort).putArray("source_labels").add("__meta_kubernetes_pod_container_port_number");
        copy(relabel, "__meta_kubernetes_namespace", "namespace");
        copy(relabel, "__meta_kubernetes_pod_container_name", "container");
        copy(relabel, "__meta_kubernetes_pod_name", "pod");
        relabel.addObject().put("target_label", "job").put("replacement", "ai/" + pm.path("metadata").path("name").asText());
        relabel.addObject().put("target_label", "endpoint").put("replacement", targetPort);
        ep.path("relabelings").forEach(r -> relabel.add(snakeCase(r)));
        relabel.addObject().put("target_label", "__tmp_hash").put("modulus", 1).put("action", "hashmod").putArray("source_labels").add("__address__");
        relabel.addObject().put("regex", "0").put("action", "keep").putArray("source_labels").add("__tmp_hash");
        ArrayNode metricRelabel = Repo.JSON.createArrayNode();
        ep.path("metricRelabelings").forEach(r -> metricRelabel.add(snakeCase(r)));
        if (!metricRelabel.isEmpty()) {
            job.set("metric_relabel_configs", metricRelabel);
        }
        return job;
    }

    private static void copy(ArrayNode relabel, String from, String to) {
        relabel.addObject().put("target_label", to).putArray("source_labels").add(from);
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    /** A monitoring.coreos.com RelabelConfig (camelCase) as Prometheus's relabel_config (snake_case). */
    private static ObjectNode snakeCase(JsonNode r) {
        ObjectNode out = Repo.JSON.createObjectNode();
        List<String> names = new ArrayList<>();
        r.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            out.set(n.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT), r.get(n));
        }
        return out;
    }
}
