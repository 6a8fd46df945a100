package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The "LlamaStack API" dashboard (its schema and its queries are checked with every dashboard by GrafanaDashboardTest
 * and DashboardQueriesEndToEndTest): the panels the issue asks for, every query scoped by $namespace, family panels
 * grouping by the family taken from the route template, Responses panels selecting operation="responses".
 */
class LlamaStackApiDashboardTest {
    @Test
    void hasRateErrorsP95ByFamilyAndTheResponsesPanels() {
        JsonNode d = Repo.json(Repo.DASHBOARDS_DIR.resolve("llamastack-api.json"));
        assertEquals("LlamaStack API", d.path("title").asText());
        Set<String> titles = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            String title = p.path("title").asText();
            titles.add(title);
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                if (!expr.contains("namespace=~\"$namespace\"")) {
                    problems.add(title + " ignores $namespace");
                }
                if (title.contains("family") && !(expr.contains("label_replace(") && expr.contains("family"))) {
                    problems.add(title + " does not group by family");
                }
                if (title.startsWith("Responses") && !expr.contains("operation=\"responses\"")) {
                    problems.add(title + " does not select operation=\"responses\"");
                }
            }
        }
        assertEquals(List.of(), problems);
        for (String t : List.of("Request rate by route family", "Errors by route family", "p95 latency by route family",
                "Responses time to first token", "Tokens per second by model", "Responses by outcome",
                "Distribution health")) {
            assertTrue(titles.contains(t), "missing panel " + t + " in " + titles);
        }
    }
}
