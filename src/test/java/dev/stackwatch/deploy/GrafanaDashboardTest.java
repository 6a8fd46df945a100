package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Grafana dashboards type-checked against Grafana's own schema types (@grafana/schema) with tsc --strict. */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Repo.DASHBOARDS_DIR.resolve("llamastack-overview.json");

    private static Repo.Result typecheck() {
        Repo.requireNodeModules();
        Repo.Result gen = Repo.run(Repo.JS_DIR, List.of("node", "gen-dashboard-check.js"));
        assertEquals(0, gen.exitCode(), gen.output());
        return Repo.run(Repo.JS_DIR, 120, java.util.Map.of(),
                List.of("node", "node_modules/typescript/bin/tsc", "--noEmit", "--strict", "-p", "tsconfig.json"));
    }

    @Test
    void dashboardsSatisfyGrafanaSchema() {
        Repo.Result r = typecheck();
        assertEquals(0, r.exitCode(), "tsc found schema errors:\n" + r.output());
    }

    /** tsc really checks the literal: an invalid enum value in a copy of the dashboard is rejected. */
    @Test
    void typecheckRejectsAnInvalidDashboard() throws IOException {
        Repo.requireNodeModules();
        Path bad = Repo.JS_DIR.resolve("build/invalid.check.ts");
        Files.createDirectories(bad.getParent());
        String json = Files.readString(DASHBOARD).strip().replaceFirst("\"mode\": \"absolute\"", "\"mode\": \"absolut\"");
        Files.writeString(bad, "import type { Dashboard } from '@grafana/schema';\nimport type { JsonOf } from '../grafana-json.ts';\n"
                + "export const d = " + json + " satisfies JsonOf<Dashboard>;\n");
        try {
            Repo.Result r = Repo.run(Repo.JS_DIR, 120, java.util.Map.of(),
                    List.of("node", "node_modules/typescript/bin/tsc", "--noEmit", "--strict", "-p", "tsconfig.json"));
            assertNotEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("invalid.check.ts") && r.output().contains("absolut"), r.output());
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    @Test
    void dashboardHasTheSeedPanelsTheLlmPanelsAndTheVariables() {
        JsonNode d = Repo.json(DASHBOARD);
        Set<String> titles = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            titles.add(p.path("title").asText());
            assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
        }
        for (String t : List.of("Request Rate", "Response Time", "Resource Usage", "Time to first token", "Inter-token latency",
                "Tokens per second", "Errors by status", "Provider errors", "In-flight requests", "Provider health", "Readiness",
                "Model load time", "JVM memory", "GC time", "Error ratio", "SLO burn rate", "Error budget burn (1h)",
                "Request rate by model", "Circuit state over time", "Generation duration")) {
            assertTrue(titles.contains(t), "missing panel " + t + " in " + titles);
        }
        Set<String> vars = new HashSet<>();
        d.path("templating").path("list").forEach(v -> vars.add(v.path("name").asText()));
        assertTrue(vars.containsAll(Set.of("datasource", "job", "namespace", "instance", "model", "provider")), vars.toString());
    }

    /**
     * Every query is filtered by job and namespace (process and JVM panels too: "All" must not pick up other jobs),
     * and by model and provider wherever its metric has those labels.
     */
    @Test
    void everyQueryHonoursTheVariablesItsLabelsAllow() {
        List<String> problems = new java.util.ArrayList<>();
        for (JsonNode p : Repo.json(DASHBOARD).path("panels")) {
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                String where = p.path("title").asText() + "/" + t.path("refId").asText();
                for (String v : List.of("$job", "$namespace")) {
                    if (!expr.contains(v)) {
                        problems.add(where + " ignores " + v);
                    }
                }
                boolean modelMetric = expr.matches("(?s).*llamastack_(time_to_first_token|inter_token_latency|inference_latency)_seconds.*|.*llamastack_(tokens|inference_requests)_total.*|.*llamastack_model_(ready|load_time_seconds).*");
                if (modelMetric && !expr.contains("$model")) {
                    problems.add(where + " ignores $model");
                }
                if ((modelMetric || expr.matches("(?s).*llamastack_(provider_health|circuit_state|provider_errors_total).*")) && !expr.contains("$provider")) {
                    problems.add(where + " ignores $provider");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Ratios and quantiles say "No traffic" when there is none, instead of an empty graph or a 0 that looks healthy. */
    @Test
    void ratiosAndQuantilesSayNoTrafficAndUnitsAreProper() {
        for (JsonNode p : Repo.json(DASHBOARD).path("panels")) {
            String exprs = p.path("targets").toString();
            String unit = p.path("fieldConfig").path("defaults").path("unit").asText();
            String title = p.path("title").asText();
            if (exprs.contains("histogram_quantile") || exprs.contains(":ratio_rate") || exprs.contains(") / sum by")) {
                assertEquals("No traffic", p.path("fieldConfig").path("defaults").path("noValue").asText(), title);
                assertTrue(p.path("fieldConfig").path("defaults").path("mappings").toString().contains("\"nan\""), title);
            }
            if (exprs.contains("histogram_quantile")) {
                assertEquals("s", unit, title);
                for (String q : List.of("histogram_quantile(0.5,", "histogram_quantile(0.95,", "histogram_quantile(0.99,")) {
                    assertTrue(exprs.contains(q), title + " lacks " + q);
                }
            }
            if (exprs.contains("llamastack_tokens_total")) {
                assertEquals("suffix: tok/s", unit, title);
            }
            if (exprs.contains("llamastack_requests_total") && !exprs.contains(") / sum by")) {
                assertEquals("reqps", unit, title);
            }
        }
    }
}
