package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The usage dashboard has its panels and filters by namespace, instance and key everywhere. Its schema is checked
 * with every other dashboard by {@link GrafanaDashboardTest}, its queries against real data by
 * {@link DashboardQueriesEndToEndTest} and its metric names by {@link MetricContractTest}.
 */
class UsageDashboardTest {
    static final Path DASHBOARD = Repo.DASHBOARDS_DIR.resolve("llamastack-usage.json");

    @Test
    void hasUsageSpendTopKeysAndQuotaPanelsFilteredByNamespaceAndKey() {
        JsonNode d = Repo.json(DASHBOARD);
        Set<String> titles = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            titles.add(p.path("title").asText());
            assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                assertTrue(expr.contains("namespace=~\"$namespace\"") && expr.contains("instance=~\"$instance\""),
                        p.path("title").asText() + " ignores $namespace or $instance: " + expr);
                if (expr.contains("key")) {
                    assertTrue(expr.contains("key=~\"$key\""), p.path("title").asText() + " ignores $key: " + expr);
                }
            }
        }
        for (String t : List.of("Top keys by spend (24h)", "Top keys by tokens (24h)", "Spend per hour by key and model",
                "Tokens by key and model", "Requests by key and outcome", "Quota headroom",
                "Quota refusals by key and reason", "Quota store", "Quota store errors", "Spend per hour by key and tenant")) {
            assertTrue(titles.contains(t), "missing panel " + t + " in " + titles);
        }
        Set<String> vars = new HashSet<>();
        d.path("templating").path("list").forEach(v -> vars.add(v.path("name").asText()));
        assertTrue(vars.containsAll(Set.of("datasource", "namespace", "instance", "key", "model")), vars.toString());
    }
}
