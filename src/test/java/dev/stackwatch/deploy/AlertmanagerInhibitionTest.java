package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.Polling;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped grouping and inhibition on a real Alertmanager (amtool can test routes, not inhibition): the alerts one
 * incident raises are posted as Prometheus would, then Alertmanager's own API says which are muted and how they group,
 * and the webhook shows what a person would get.
 */
class AlertmanagerInhibitionTest {
    @TempDir
    Path tmp;
    MonitoringStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void oneIncidentPagesOncePerServiceAndProviderAndMutesItsConsequences() throws Exception {
        ExternalTools.require("prometheus-alertmanager");
        stack = new MonitoringStack();
        stack.startAlertmanager(tmp);
        Map<String, Map<String, String>> alerts = new TreeMap<>();
        // The vLLM backend is down in prod; both replicas (or both HA Prometheus replicas) report it.
        alerts.put("providerDown-a", labels("LlamaStackProviderDown", "critical", "prod", "provider", "vllm", "instance", "a:8080"));
        alerts.put("providerDown-b", labels("LlamaStackProviderDown", "critical", "prod", "provider", "vllm", "instance", "b:8080"));
        alerts.put("modelNotReady-vllm", labels("ModelNotReady", "warning", "prod", "provider", "vllm", "model", "llama"));
        alerts.put("modelNotReady-ollama", labels("ModelNotReady", "warning", "prod", "provider", "ollama", "model", "qwen"));
        alerts.put("providerRatio-vllm", labels("HighProviderErrorRatio", "warning", "prod", "provider", "vllm"));
        alerts.put("notReady", labels("LlamaStackNotReady", "warning", "prod", "instance", "a:8080"));
        // The error burst it causes: the SLO page, its ticket twin, and the ratio/rate tickets.
        alerts.put("burn-page", labels("LlamaStackErrorBudgetBurn", "critical", "prod", "long_window", "1h", "short_window", "5m"));
        alerts.put("burn-ticket", labels("LlamaStackErrorBudgetBurn", "warning", "prod", "long_window", "1d", "short_window", "2h"));
        alerts.put("ratio", labels("HighErrorRatio", "warning", "prod", "endpoint", "/v1/chat/completions"));
        alerts.put("rate", labels("HighErrorRate", "warning", "prod", "instance", "a:8080"));
        // Staging burns fast at the same time: a page of its own, never merged into production's.
        alerts.put("staging-burn-page", labels("LlamaStackErrorBudgetBurn", "critical", "staging", "long_window", "1h", "short_window", "5m"));
        // Dev burns slowly: its tickets are not muted by production's page.
        alerts.put("dev-burn-ticket", labels("LlamaStackErrorBudgetBurn", "warning", "dev", "long_window", "1d", "short_window", "2h"));
        alerts.put("dev-ratio", labels("HighErrorRatio", "warning", "dev", "endpoint", "/v1/chat/completions"));
        // The causes (the critical alerts, which inhibit) are in Alertmanager before their consequences arrive: alerts
        // that started long ago are flushed at once, and one posted in the same batch as its cause could be notified
        // before the inhibitor has taken the cause in (in production, group_wait covers that).
        Map<String, Map<String, String>> causes = new TreeMap<>();
        alerts.forEach((key, l) -> {
            if (l.get("severity").equals("critical")) {
                causes.put(key, l);
            }
        });
        post(causes.values());
        Polling.await(Duration.ofSeconds(20), "the causes to be active", () -> {
            Map<String, String> now = states(causes);
            return now.size() == causes.size() && now.values().stream().allMatch("active"::equals);
        });
        post(alerts.entrySet().stream().filter(e -> !causes.containsKey(e.getKey())).map(Map.Entry::getValue).toList());

        Map<String, String> expectedState = new TreeMap<>();
        for (String key : alerts.keySet()) {
            expectedState.put(key, "active");
        }
        for (String muted : List.of("modelNotReady-vllm", "providerRatio-vllm", "notReady", "burn-ticket", "ratio", "rate")) {
            expectedState.put(muted, "suppressed");
        }
        Map<String, String> state = Polling.awaitValue(Duration.ofSeconds(20), "Alertmanager to settle the inhibitions", () -> {
            Map<String, String> now = states(alerts);
            return now.equals(expectedState) ? now : null;
        });
        assertEquals(expectedState, state);

        // Grouping: one pager group for the provider (both replicas' alerts in it), one per namespace for the burn.
        JsonNode groups = Repo.JSON.readTree(stack.get(am("/api/v2/alerts/groups")).body());
        TreeMap<String, Integer> pagerGroups = new TreeMap<>();
        for (JsonNode g : groups) {
            if (g.path("receiver").path("name").asText().equals("pager")) {
                pagerGroups.put(g.path("labels").toString(), g.path("alerts").size());
            }
        }
        assertEquals(Map.of(
                "{\"alertname\":\"LlamaStackErrorBudgetBurn\",\"job\":\"llamastack\",\"namespace\":\"prod\"}", 1,
                "{\"alertname\":\"LlamaStackErrorBudgetBurn\",\"job\":\"llamastack\",\"namespace\":\"staging\"}", 1,
                "{\"alertname\":\"LlamaStackProviderDown\",\"job\":\"llamastack\",\"namespace\":\"prod\",\"provider\":\"vllm\"}", 2),
                pagerGroups);

        // What reaches the pager: one notification for the provider carrying both replicas' alerts.
        MonitoringStack.Notification page = Polling.awaitValue(Duration.ofSeconds(20), "the ProviderDown page", () -> stack.notifications
                .stream().filter(n -> n.receiver().equals("pager") && n.has("LlamaStackProviderDown", "firing")).findFirst().orElse(null));
        assertEquals(2, page.body().path("alerts").size(), page.body().toString());
        TreeSet<String> groupLabels = new TreeSet<>();
        page.body().path("groupLabels").fieldNames().forEachRemaining(groupLabels::add);
        assertEquals(new TreeSet<>(List.of("alertname", "job", "namespace", "provider")), groupLabels);
        // The unmuted dev ticket is delivered, so the ticket route works while production's tickets stay muted.
        Polling.await(Duration.ofSeconds(20), "dev's HighErrorRatio ticket", () -> stack.notifications.stream()
                .anyMatch(n -> n.receiver().equals("ticket") && n.has("HighErrorRatio", "firing")));
        for (MonitoringStack.Notification n : stack.notifications) {
            for (JsonNode a : n.body().path("alerts")) {
                String ns = a.path("labels").path("namespace").asText();
                String name = a.path("labels").path("alertname").asText();
                assertTrue(!ns.equals("prod") || !List.of("HighErrorRatio", "HighErrorRate", "LlamaStackNotReady").contains(name),
                        "muted alert notified: " + a);
            }
        }
    }

    private static Map<String, String> labels(String alertname, String severity, String namespace, String... more) {
        Map<String, String> l = new TreeMap<>(Map.of("alertname", alertname, "severity", severity, "namespace", namespace, "job", "llamastack"));
        for (int i = 0; i < more.length; i += 2) {
            l.put(more[i], more[i + 1]);
        }
        return l;
    }

    private String am(String path) {
        return "http://127.0.0.1:" + stack.alertmanagerPort + path;
    }

    private void post(java.util.Collection<Map<String, String>> alerts) throws IOException, InterruptedException {
        ArrayNode body = Repo.JSON.createArrayNode();
        for (Map<String, String> l : alerts) {
            ObjectNode a = body.addObject();
            a.set("labels", Repo.JSON.valueToTree(l));
            a.put("startsAt", Instant.now().minusSeconds(60).toString());
            a.put("endsAt", Instant.now().plusSeconds(600).toString());
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(am("/api/v2/alerts")))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
        }
    }

    /** Alertmanager's state of each posted alert: active, or suppressed (inhibited), found by its labels. */
    private Map<String, String> states(Map<String, Map<String, String>> alerts) {
        try {
            JsonNode all = Repo.JSON.readTree(stack.get(am("/api/v2/alerts")).body());
            Map<String, String> out = new TreeMap<>();
            for (Map.Entry<String, Map<String, String>> e : alerts.entrySet()) {
                for (JsonNode a : all) {
                    if (Repo.JSON.convertValue(a.path("labels"), Map.class).equals(e.getValue())) {
                        out.put(e.getKey(), a.path("status").path("state").asText());
                    }
                }
            }
            return out;
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
