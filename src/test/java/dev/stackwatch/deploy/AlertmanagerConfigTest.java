package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.testing.ExternalTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** deploy/alertmanager checked with the real amtool: config, routing tree and notification templates. */
class AlertmanagerConfigTest {

    @Test
    void configPassesAmtoolCheck() {
        Path amtool = ExternalTools.require("amtool");
        String out = Repo.ok(Repo.ALERTMANAGER_YML.getParent(), List.of(amtool.toString(), "check-config", Repo.ALERTMANAGER_YML.toString()));
        assertTrue(out.contains("SUCCESS") && out.contains("1 templates") && out.contains("5 inhibit rules"), out);
    }

    /** Each route, tested with amtool's own routing (labels as a firing alert from deploy/prometheus/rules carries them). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "alertname=LlamaStackDown severity=critical namespace=prod job=llamastack           | pager",
        "alertname=LlamaStackDown severity=warning namespace=prod job=llamastack instance=10.0.0.1:8080 | ticket",
        "alertname=LlamaStackErrorBudgetBurn severity=critical long_window=1h short_window=5m | pager",
        "alertname=LlamaStackProviderDown severity=critical namespace=prod provider=vllm    | pager",
        "alertname=HighErrorRate severity=warning instance=10.0.0.1:8080                   | ticket",
        "alertname=HighErrorRatio severity=warning namespace=prod endpoint=/v1/embeddings  | ticket",
        "alertname=LlamaStackErrorBudgetBurn severity=warning long_window=3d short_window=6h  | ticket",
        "alertname=HighMemoryUsage severity=warning memory=jvm-heap                        | ticket",
        "alertname=Watchdog severity=none                                                  | web.hook",
        "alertname=SomethingElse                                                           | web.hook",
    })
    void routesBySeverity(String labels, String receiver) {
        Path amtool = ExternalTools.require("amtool");
        List<String> cmd = new ArrayList<>(List.of(amtool.toString(), "config", "routes", "test",
                "--config.file=" + Repo.ALERTMANAGER_YML, "--verify.receivers=" + receiver));
        cmd.addAll(List.of(labels.trim().split("\\s+")));
        Repo.Result r = Repo.run(Repo.ROOT, cmd);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(receiver, r.output().lines().filter(l -> !l.startsWith("Warning")).reduce((a, b) -> b).orElse("").trim(), r.output());
    }

    /** amtool really verifies: a wrong expectation fails. */
    @Test
    void amtoolRejectsAWrongReceiver() {
        Path amtool = ExternalTools.require("amtool");
        Repo.Result r = Repo.run(Repo.ROOT, List.of(amtool.toString(), "config", "routes", "test",
                "--config.file=" + Repo.ALERTMANAGER_YML, "--verify.receivers=pager", "severity=warning", "alertname=HighLatency"));
        assertNotEquals(0, r.exitCode(), r.output());
    }

    /**
     * Every severity the rules use has its own route; grouping is by alertname, namespace, job and provider (never by
     * instance or pod: replicas report the same provider); the generic inhibition keys on the same three labels the
     * service-level alerts carry. What grouping and inhibition do is checked on a real Alertmanager in
     * {@link AlertmanagerInhibitionTest}.
     */
    @Test
    void everySeverityInTheRulesIsRoutedAndGroupedPerServiceAndProvider() {
        JsonNode cfg = Repo.yaml(Repo.ALERTMANAGER_YML);
        assertEquals(List.of("alertname", "namespace", "job", "provider"), Repo.YAML.convertValue(cfg.path("route").path("group_by"), List.class));
        Set<String> routed = new TreeSet<>();
        for (JsonNode r : cfg.path("route").path("routes")) {
            assertFalse(r.has("group_by"), "children inherit the grouping: " + r);
            for (JsonNode m : r.path("matchers")) {
                if (m.asText().startsWith("severity=")) {
                    routed.add(m.asText().substring("severity=".length()).replace("\"", ""));
                }
            }
        }
        Set<String> used = new TreeSet<>();
        Repo.alertRules().forEach(a -> used.add(a.path("labels").path("severity").asText()));
        assertEquals(used, routed);
        JsonNode inhibit = cfg.path("inhibit_rules").get(0);
        assertEquals("severity=\"critical\"", inhibit.path("source_matchers").get(0).asText());
        assertEquals("severity=\"warning\"", inhibit.path("target_matchers").get(0).asText());
        assertEquals(List.of("alertname", "namespace", "job"), Repo.YAML.convertValue(inhibit.path("equal"), List.class));
        assertTrue(Duration.parse("PT" + cfg.path("route").path("group_interval").asText().toUpperCase()).toMinutes() >= 1,
                "group_interval of seconds re-notifies a group on every change");
    }

    /** The notification templates parse and render the alert's summary and description (amtool template render). */
    @Test
    void templatesRenderSummaryAndDescription() {
        Path amtool = ExternalTools.require("amtool");
        Path dir = Repo.ALERTMANAGER_YML.getParent();
        String text = "{{ template \"llamastack.subject\" . }}|{{ template \"llamastack.body\" . }}";
        String out = Repo.ok(dir, List.of(amtool.toString(), "template", "render", "--template.glob=templates/*.tmpl", "--template.text=" + text));
        assertTrue(out.contains("LlamaStack Alert:"), out);
        assertTrue(out.contains("Alert: ") && out.contains("Description: ") && out.contains("Runbook: "), out);
        // A template that does not exist must fail: proves the glob loaded ours.
        Repo.Result bad = Repo.run(dir, List.of(amtool.toString(), "template", "render", "--template.glob=templates/*.tmpl",
                "--template.text={{ template \"llamastack.nope\" . }}"));
        assertNotEquals(0, bad.exitCode(), bad.output());
    }
}
