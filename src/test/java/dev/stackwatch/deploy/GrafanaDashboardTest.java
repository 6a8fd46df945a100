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
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                if (expr.startsWith("histogram_quantile") || expr.contains("llamastack_")) {
                    assertTrue(expr.contains("$namespace"), "panel '" + p.path("title").asText() + "' ignores $namespace: " + expr);
                }
            }
        }
        for (String t : List.of("Request Rate", "Response Time", "Resource Usage", "Time to first token", "Inter-token latency",
                "Tokens per second", "Errors by status", "Provider errors", "In-flight requests", "Provider health", "Readiness",
                "Model load time", "JVM memory", "GC time")) {
            assertTrue(titles.contains(t), "missing panel " + t + " in " + titles);
        }
        Set<String> vars = new HashSet<>();
        d.path("templating").path("list").forEach(v -> vars.add(v.path("name").asText()));
        assertTrue(vars.containsAll(Set.of("datasource", "namespace", "instance", "model")), vars.toString());
    }
}
