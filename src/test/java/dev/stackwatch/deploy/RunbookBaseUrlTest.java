package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runbook links in the PrometheusRule come from one setting in each kube-prometheus-stack overlay (the
 * {@code stackwatch.dev/runbook-base-url} annotation): changed there, every alert's runbook_url follows.
 */
class RunbookBaseUrlTest {
    private static final String SHIPPED = "https://github.com/stackwatch/stackwatch/blob/main";
    private static final String MINE = "https://git.example.com/ops/stackwatch/-/blob/prod";

    private static List<String> runbookUrls(String overlay) throws IOException {
        Path kubectl = ExternalTools.require("kubectl");
        Repo.Result r = Repo.run(Repo.ROOT, 60, Map.of("KUBECONFIG", "/dev/null"),
                List.of(kubectl.toString(), "kustomize", overlay));
        assertEquals(0, r.exitCode(), r.output());
        List<String> urls = new ArrayList<>();
        try (var it = Repo.YAML.readerFor(JsonNode.class).<JsonNode>readValues(r.output())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d.path("kind").asText().equals("PrometheusRule")) {
                    d.path("spec").path("groups").forEach(g -> g.path("rules").forEach(rule -> {
                        if (rule.has("alert")) {
                            urls.add(rule.path("annotations").path("runbook_url").asText());
                        }
                    }));
                }
            }
        }
        return urls;
    }

    @Test
    void everyRunbookUrlFollowsTheOverlaysOneSetting() throws IOException {
        for (String overlay : List.of("kube-prometheus-stack", "kube-prometheus-stack-podmonitor")) {
            Path dir = Repo.DEPLOY.resolve("kubernetes/overlays/" + overlay);
            List<String> shipped = runbookUrls(Repo.ROOT.relativize(dir).toString());
            assertTrue(shipped.size() >= 15, overlay + ": " + shipped);
            shipped.forEach(u -> assertTrue(u.matches(java.util.regex.Pattern.quote(SHIPPED)
                    + "/docs/runbooks/\\w+\\.md"), overlay + ": " + u));

            // A user's copy of the overlay with only the setting changed, beside the shipped one so paths resolve.
            String text = Files.readString(dir.resolve("kustomization.yaml"));
            String changed = text.replace("runbook-base-url: " + SHIPPED, "runbook-base-url: " + MINE);
            assertNotEquals(text, changed, overlay + " carries the setting");
            Path copy = dir.resolveSibling(".runbook-test-" + UUID.randomUUID());
            try {
                Files.createDirectories(copy);
                Files.writeString(copy.resolve("kustomization.yaml"), changed);
                List<String> mine = runbookUrls(Repo.ROOT.relativize(copy).toString());
                assertEquals(shipped.stream().map(u -> u.replace(SHIPPED, MINE)).toList(), mine);
            } finally {
                try (Stream<Path> files = Files.walk(copy)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
