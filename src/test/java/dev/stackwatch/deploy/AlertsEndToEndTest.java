package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: real Stackwatch -> real Prometheus with the shipped rules (every `for:` cut to 1 s and every range to
 * 10 s, nothing else changed) -> real Alertmanager with the shipped routes, grouping and inhibition, its receivers
 * pointed at an in-test webhook. A provider starts failing, recovers; then the server stops, and comes back.
 */
class AlertsEndToEndTest {
    static final String CONFIG = DashboardQueriesEndToEndTest.CONFIG;
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

    private MonitoringStack.Notification await(String receiver, String alertname, String status) {
        return Polling.awaitValue(BOUND, receiver + " to receive " + alertname + " " + status, () -> stack.notifications.stream()
                .filter(n -> n.receiver().equals(receiver) && n.has(alertname, status)).findFirst().orElse(null));
    }

    private boolean received(String receiver, String alertname, String status) {
        return stack.notifications.stream().anyMatch(n -> n.receiver().equals(receiver) && n.has(alertname, status));
    }

    private static JsonNode alert(MonitoringStack.Notification n, String alertname) {
        for (JsonNode a : n.body().path("alerts")) {
            if (a.path("labels").path("alertname").asText().equals(alertname)) {
                return a;
            }
        }
        throw new AssertionError(alertname + " not in " + n.body());
    }

    @Test
    void providerFailureAndOutageReachTheRightReceiversAndResolve() throws Exception {
        ExternalTools.require("prometheus");
        ExternalTools.require("prometheus-alertmanager");
        int apiPort = MonitoringStack.freePort();
        int managementPort = MonitoringStack.freePort();
        RunConfig base = TestServers.config(CONFIG);
        RunConfig config = base.withServer(base.server().withPorts(apiPort, managementPort));
        server = TestServers.startAndAwait(config);

        AtomicBoolean failing = new AtomicBoolean(false);
        traffic = new Traffic(() -> apiPort, () -> failing.get()
                ? List.<String[]>of(Traffic.chat("sim-chat", true), Traffic.chat("broken-chat", false))
                : List.<String[]>of(Traffic.chat("sim-chat", true)));

        stack = new MonitoringStack();
        stack.startAlertmanager(tmp);
        Path rules = tmp.resolve("rules");
        MonitoringStack.writeFastRules(rules, "10s");
        // The shipped one-machine job, as shipped (including its relabel to job="llamastack"), aimed at this server.
        ObjectNode hostJob = null;
        for (JsonNode j : Repo.yaml(Repo.PROMETHEUS_HOST_YML).path("scrape_configs")) {
            if (j.has("static_configs")) {
                hostJob = (ObjectNode) j.deepCopy();
            }
        }
        assertTrue(hostJob != null, "prometheus-host.yml has a static one-machine job");
        ((ObjectNode) hostJob.path("static_configs").get(0)).putArray("targets").add("127.0.0.1:" + managementPort);
        stack.startPrometheus(tmp, stack.prometheusConfig(List.of(hostJob), rules));
        Polling.await(BOUND, "first scrape", () -> stack.query("up{job=\"llamastack\"} == 1").path("result").size() == 1);

        // 1. A provider fails every request.
        failing.set(true);
        MonitoringStack.Notification providerRatio = await("ticket", "HighProviderErrorRatio", "firing");
        JsonNode a = alert(providerRatio, "HighProviderErrorRatio");
        assertEquals("flaky", a.path("labels").path("provider").asText());
        assertEquals("warning", a.path("labels").path("severity").asText());
        assertTrue(a.path("annotations").path("description").asText().contains("provider flaky"), a.toString());
        assertTrue(a.path("annotations").path("runbook_url").asText().endsWith("/docs/runbooks/HighProviderErrorRatio.md"));
        // HighErrorRatio and HighErrorRate fire too, but under the error-budget page they are inhibited (whether a
        // ticket slips out first depends on which rule group Prometheus evaluates first): AlertmanagerInhibitionTest
        // checks that muting deterministically.
        MonitoringStack.Notification page = await("pager", "LlamaStackErrorBudgetBurn", "firing");
        assertEquals("critical", alert(page, "LlamaStackErrorBudgetBurn").path("labels").path("severity").asText());
        // The critical burn inhibits the warning burn of the same alertname, namespace and job: no ticket for it while it pages.
        // (The error series is new, so its first rate() already shows ~50% errors: critical and warning pairs cross
        // their thresholds in the same evaluation and reach Alertmanager in the same batch.)
        assertFalse(received("ticket", "LlamaStackErrorBudgetBurn", "firing"), "the warning burn must be inhibited by the critical one");
        assertFalse(received("pager", "HighProviderErrorRatio", "firing"), "warnings never page");

        // 2. The provider recovers: its alert resolves at the same receiver.
        failing.set(false);
        await("ticket", "HighProviderErrorRatio", "resolved");
        await("pager", "LlamaStackErrorBudgetBurn", "resolved");

        // 3. The server goes away: LlamaStackDown pages for the service.
        traffic.close();
        traffic = null;
        server.close();
        server = null;
        // Its only target is the whole service: the service-level page (one machine, so no namespace).
        MonitoringStack.Notification down = await("pager", "LlamaStackDown", "firing");
        assertEquals("llamastack", alert(down, "LlamaStackDown").path("labels").path("job").asText());
        assertEquals("100% of the targets of job llamastack have been down for more than 1 minute (pages above 50%).",
                alert(down, "LlamaStackDown").path("annotations").path("description").asText());
        assertEquals(Set.of("alertname", "job"), fieldNames(down.body().path("groupLabels")), "grouped by alertname, namespace, job, provider");

        // 4. It comes back on the same port: resolved.
        server = TestServers.startAndAwait(config);
        await("pager", "LlamaStackDown", "resolved");

        // Nothing that should stay quiet spoke up.
        for (String quiet : List.of("HighLatency", "HighTimeToFirstToken", "LlamaStackLatencyBudgetBurn", "LlamaStackProviderDown",
                "ModelNotReady", "SlowModelLoad")) {
            assertFalse(stack.notifications.stream().anyMatch(n -> n.has(quiet, "firing")), quiet + " must not fire");
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
