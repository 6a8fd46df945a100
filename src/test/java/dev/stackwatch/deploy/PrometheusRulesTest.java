package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/prometheus checked with the real promtool, plus the conventions every alert must follow. */
class PrometheusRulesTest {
    private static final Set<String> SEVERITIES = Set.of("critical", "warning");

    @Test
    void ruleFilesPassPromtoolCheck() {
        Path promtool = ExternalTools.require("promtool");
        List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "check", "rules"));
        Repo.files(Repo.RULES_DIR, ".yml").forEach(p -> cmd.add(p.toString()));
        String out = Repo.ok(Repo.ROOT, cmd);
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void ruleUnitTestsPass() {
        Path promtool = ExternalTools.require("promtool");
        List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "test", "rules"));
        List<Path> tests = Repo.files(Repo.RULE_TESTS_DIR, ".yml");
        assertFalse(tests.isEmpty());
        tests.forEach(p -> cmd.add(p.toString()));
        String out = Repo.ok(Repo.ROOT, cmd);
        assertFalse(out.contains("FAILED"), out);
    }

    /** A broken expectation must make promtool fail: proves the unit tests are really evaluated. */
    @Test
    void promtoolRejectsAWrongExpectation(@TempDir Path tmp) throws IOException {
        Path promtool = ExternalTools.require("promtool");
        Path test = Repo.RULE_TESTS_DIR.resolve("alerts.test.yml");
        String broken = Files.readString(test)
                .replace("../rules/llamastack-alerts.yml", Repo.RULES_DIR.resolve("llamastack-alerts.yml").toString())
                .replace("has been down for more than 1 minute.", "has been down for more than 2 minutes.");
        Path copy = tmp.resolve("broken.test.yml");
        Files.writeString(copy, broken);
        Repo.Result r = Repo.run(tmp, List.of(promtool.toString(), "test", "rules", copy.toString()));
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("LlamaStackDown"), r.output());
    }

    /**
     * prometheus.yml passes promtool check config. Debian's Prometheus 2.42 is built without Kubernetes service
     * discovery, so the check runs on a copy whose kubernetes_sd_configs block is swapped for file_sd_configs:
     * everything else (relabel rules, rule_files, alerting) is checked as shipped.
     */
    @Test
    void prometheusConfigPassesPromtoolCheck(@TempDir Path tmp) throws IOException {
        Path promtool = ExternalTools.require("promtool");
        String shipped = Files.readString(Repo.PROMETHEUS_YML);
        assertTrue(shipped.contains("regex: llamastack") && shipped.contains("__meta_kubernetes_pod_label_app"),
                "the seed's app=llamastack pod-discovery keep rule must stay");
        String rewritten = shipped.replace("kubernetes_sd_configs:\n      - role: pod", "file_sd_configs:\n      - files: [k8s-pods.json]");
        assertNotEquals(shipped, rewritten, "expected a kubernetes_sd_configs role: pod block");
        Files.writeString(tmp.resolve("prometheus.yml"), rewritten);
        Files.createDirectories(tmp.resolve("rules"));
        for (Path rule : Repo.files(Repo.RULES_DIR, ".yml")) {
            Files.copy(rule, tmp.resolve("rules").resolve(rule.getFileName()));
        }
        String out = Repo.ok(tmp, List.of(promtool.toString(), "check", "config", "prometheus.yml"));
        assertTrue(out.contains("SUCCESS: " + Repo.files(Repo.RULES_DIR, ".yml").size() + " rule files found"), out);
    }

    @Test
    void everyAlertHasSeverityAnnotationsAndARunbook() throws IOException {
        List<JsonNode> alerts = Repo.alertRules();
        assertTrue(alerts.size() >= 15, "expected the full alert set, got " + alerts.size());
        List<String> problems = new ArrayList<>();
        for (JsonNode a : alerts) {
            String name = a.path("alert").asText();
            if (!SEVERITIES.contains(a.path("labels").path("severity").asText())) {
                problems.add(name + ": labels.severity must be one of " + SEVERITIES);
            }
            for (String key : List.of("summary", "description", "runbook_url")) {
                if (a.path("annotations").path(key).asText().isBlank()) {
                    problems.add(name + ": missing annotations." + key);
                }
            }
            String url = a.path("annotations").path("runbook_url").asText();
            if (!url.endsWith("/docs/runbooks/" + name + ".md")) {
                problems.add(name + ": runbook_url must end in /docs/runbooks/" + name + ".md, is " + url);
            }
            Path runbook = Repo.RUNBOOKS_DIR.resolve(name + ".md");
            if (!Files.isRegularFile(runbook)) {
                problems.add(name + ": " + Repo.ROOT.relativize(runbook) + " does not exist");
            } else {
                String text = Files.readString(runbook);
                for (String section : List.of("## Meaning", "## Confirm", "## Fix")) {
                    if (!text.contains(section)) {
                        problems.add(name + ": runbook lacks section '" + section + "'");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Every alert has at least one promtool case where it fires and one where it must stay silent. */
    @Test
    void everyAlertHasAFiringAndASilentTestCase() {
        Set<String> fires = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (Path f : Repo.files(Repo.RULE_TESTS_DIR, ".yml")) {
            for (JsonNode t : Repo.yaml(f).path("tests")) {
                for (JsonNode c : t.path("alert_rule_test")) {
                    (c.path("exp_alerts").isEmpty() ? silent : fires).add(c.path("alertname").asText());
                    for (JsonNode e : c.path("exp_alerts")) {
                        assertTrue(e.path("exp_annotations").has("description") && e.path("exp_annotations").has("runbook_url"),
                                "firing cases must assert the rendered annotations: " + c.path("alertname").asText());
                    }
                }
            }
        }
        Set<String> names = new TreeSet<>();
        Repo.alertRules().forEach(a -> names.add(a.path("alert").asText()));
        Set<String> noFire = new TreeSet<>(names);
        noFire.removeAll(fires);
        Set<String> noSilent = new TreeSet<>(names);
        noSilent.removeAll(silent);
        assertEquals(Set.of(), noFire, "alerts without a firing test case");
        assertEquals(Set.of(), noSilent, "alerts without a must-not-fire test case");
    }

    /** Every label value an SLO alert carries about its windows matches the windows its expression uses. */
    @Test
    void sloAlertWindowLabelsMatchTheirExpressions() {
        Pattern window = Pattern.compile("ratio_rate(\\w+)");
        for (JsonNode a : Repo.alertRules()) {
            if (!a.path("labels").has("long_window")) {
                continue;
            }
            Matcher m = window.matcher(a.path("expr").asText());
            List<String> used = new ArrayList<>();
            while (m.find()) {
                used.add(m.group(1));
            }
            assertEquals(List.of(a.path("labels").path("long_window").asText(), a.path("labels").path("short_window").asText()), used,
                    a.path("alert").asText());
        }
    }
}
