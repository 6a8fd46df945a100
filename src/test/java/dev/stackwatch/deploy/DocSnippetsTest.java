package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.config.ConfigException;
import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.TestCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ```yaml and ```json snippet in README.md and docs/ parsed by what would read it for real, chosen by its
 * content: run.yaml fragments by Stackwatch's ConfigLoader (no warnings allowed: an unknown key is drift), Prometheus
 * configs and rules by promtool, Alertmanager configs by amtool, Kubernetes objects (and pod-spec fragments) by the
 * schema checks in src/test/js/validate-k8s.mjs, and ServiceMonitor / PodMonitor selectors and ports against the
 * shipped Service and Deployment. A snippet that fits none of these fails the test, so new snippets get checked too.
 */
class DocSnippetsTest {
    private static final Pattern FENCE = Pattern.compile("(?m)^```(yaml|yml|json)[ \\t]*\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Set<String> RUN_YAML_KEYS = Set.of("version", "image_name", "providers",
            "registered_resources", "models", "server", "apis");

    record Snippet(Path file, int line, String lang, String text) {
        String where() {
            return Repo.ROOT.relativize(file) + ":" + line;
        }
    }

    static List<Snippet> snippets() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Repo.ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(Repo.ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Snippet> all = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher m = FENCE.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).lines().count() + 1;
                all.add(new Snippet(f, line, m.group(1), m.group(2)));
            }
        }
        return all;
    }

    private static List<JsonNode> documents(Snippet s) throws IOException {
        if (s.lang().equals("json")) {
            return List.of(Repo.JSON.readTree(s.text()));
        }
        List<JsonNode> docs = new ArrayList<>();
        try (var it = Repo.YAML.readerFor(JsonNode.class).<JsonNode>readValues(s.text())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    @Test
    void everySnippetParsesWithItsRealLoaderOrTool(@TempDir Path tmp) throws IOException {
        List<Snippet> snippets = snippets();
        assertTrue(snippets.size() >= 8, "found " + snippets.size() + " snippets");
        List<String> problems = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        int n = 0;
        for (Snippet s : snippets) {
            Path dir = Files.createDirectories(tmp.resolve("s" + n++));
            List<JsonNode> docs;
            try {
                docs = documents(s);
            } catch (IOException e) {
                problems.add(s.where() + ": does not parse as " + s.lang() + ": " + e.getMessage());
                continue;
            }
            if (s.lang().equals("json")) {
                checked.add(s.where() + " json");
                continue;
            }
            List<JsonNode> kubernetes = new ArrayList<>();
            for (JsonNode d : docs) {
                String kind = classify(d);
                checked.add(s.where() + " " + kind);
                switch (kind) {
                    case "run.yaml" -> runYaml(s, withTestCertificate(d.deepCopy(), dir), problems);
                    case "prometheus" -> tool(s, dir, d, "prometheus.yml", problems, "promtool", "check", "config");
                    case "rules" -> tool(s, dir, d, "rules.yml", problems, "promtool", "check", "rules");
                    case "alertmanager" -> tool(s, dir, d, "alertmanager.yml", problems, "amtool", "check-config");
                    case "kubernetes" -> kubernetes.add(d);
                    case "pod-spec" -> kubernetes.add(podOf(d));
                    default -> problems.add(s.where() + ": cannot tell what reads this snippet; classify it in "
                            + "DocSnippetsTest.classify");
                }
            }
            if (!kubernetes.isEmpty()) {
                kubernetesSchemas(s, dir, kubernetes, problems);
                problems.addAll(monitorProblems(s.where(), kubernetes));
            }
        }
        System.out.println("doc snippets checked:\n  " + String.join("\n  ", checked));
        assertEquals(List.of(), problems);
    }

    /** Today's drift, kept as the proof that the check bites: the ServiceMonitor security.md used to show. */
    @Test
    void aServiceMonitorThatSelectsNothingIsCaught() throws IOException {
        JsonNode old = Repo.YAML.readTree("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: stackwatch}
                spec:
                  selector: {matchLabels: {app: llama-stack}}
                  endpoints:
                  - port: management
                    path: /metrics
                """);
        List<String> problems = monitorProblems("old security.md", List.of(old));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("app=llama-stack"), problems.toString());
        assertTrue(problems.get(1).contains("port 'management'"), problems.toString());
    }

    static String classify(JsonNode d) {
        if (d.has("apiVersion") && d.has("kind")) {
            return "kubernetes";
        }
        if (d.has("spec") && d.path("spec").has("containers")) {
            return "pod-spec";
        }
        if (d.has("scrape_configs") || d.has("rule_files") || d.has("alerting")) {
            return "prometheus";
        }
        if (d.has("groups")) {
            return "rules";
        }
        if (d.has("route") || d.has("receivers")) {
            return "alertmanager";
        }
        Set<String> keys = new HashSet<>();
        d.fieldNames().forEachRemaining(keys::add);
        return !keys.isEmpty() && RUN_YAML_KEYS.containsAll(keys) ? "run.yaml" : "unknown";
    }

    /** A fragment of run.yaml: completed with a provider when it has none, loaded, and no key may be unknown. */
    private static void runYaml(Snippet s, JsonNode d, List<String> problems) {
        ObjectNode tree = d.deepCopy();
        if (!tree.has("providers")) {
            tree.set("providers", Repo.YAML.valueToTree(Map.of("inference", List.of(
                    Map.of("provider_id", "simulator", "provider_type", "inline::simulator")))));
        }
        Map<String, String> env = new HashMap<>();
        Matcher m = ENV_REF.matcher(s.text());
        while (m.find()) {
            // A value of its own for each variable: tokens must differ from one another, as in a real deployment.
            env.put(m.group(1), "snippet-" + m.group(1).toLowerCase(Locale.ROOT) + "-0123456789abcdef");
        }
        List<String> warnings = new ArrayList<>();
        try {
            new ConfigLoader(env, warnings::add).fromTree(tree, s.where());
        } catch (ConfigException e) {
            problems.add(s.where() + ": run.yaml snippet rejected: " + e.getMessage());
        }
        warnings.forEach(w -> problems.add(s.where() + ": run.yaml snippet: " + w));
    }

    private static void tool(Snippet s, Path dir, JsonNode d, String name, List<String> problems, String... command)
            throws IOException {
        Path binary = ExternalTools.require(command[0]);
        JsonNode config = withLocalFiles(d.deepCopy(), dir);
        Path file = dir.resolve(name);
        Repo.YAML.writeValue(file.toFile(), config);
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(command).subList(1, command.length));
        cmd.add(file.toString());
        Repo.Result r = Repo.run(dir, cmd);
        if (r.exitCode() != 0) {
            problems.add(s.where() + ": " + String.join(" ", command) + " failed:\n" + r.output());
        }
    }

    /** Secret files a snippet names (credentials_file and the like) exist only on the user's machine: stand-ins. */
    private static JsonNode withLocalFiles(JsonNode node, Path dir) throws IOException {
        if (node instanceof ObjectNode o) {
            for (var it = o.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().endsWith("_file") && e.getValue().isTextual()) {
                    Path stand = dir.resolve(Path.of(e.getValue().asText()).getFileName().toString());
                    Files.writeString(stand, "token-from-doc-snippet\n");
                    e.setValue(Repo.JSON.getNodeFactory().textNode(stand.toString()));
                } else {
                    withLocalFiles(e.getValue(), dir);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode c : node) {
                withLocalFiles(c, dir);
            }
        }
        return node;
    }

    /** A snippet's TLS files are the user's; a real certificate and key stand in so the loader can read them. */
    private static JsonNode withTestCertificate(JsonNode d, Path dir) throws IOException {
        if (d.path("server") instanceof ObjectNode server && server.has("tls_certfile")) {
            try {
                TestCertificate cert = TestCertificate.create(dir);
                server.put("tls_certfile", cert.certFile().toString()).put("tls_keyfile", cert.keyFile().toString());
            } catch (InterruptedException | java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        }
        return d;
    }

    private static JsonNode podOf(JsonNode fragment) {
        ObjectNode pod = Repo.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "doc-snippet");
        pod.set("spec", fragment.path("spec"));
        return pod;
    }

    private static void kubernetesSchemas(Snippet s, Path dir, List<JsonNode> docs, List<String> problems)
            throws IOException {
        ExternalTools.require("node");
        Repo.requireNodeModules();
        StringBuilder bundle = new StringBuilder();
        for (JsonNode d : docs) {
            bundle.append("---\n").append(Repo.YAML.writeValueAsString(d).replaceFirst("^---\\n", ""));
        }
        Path file = dir.resolve("k8s.yaml");
        Files.writeString(file, bundle);
        Repo.Result r = Repo.run(Repo.JS_DIR, List.of("node", "validate-k8s.mjs", "snippet=" + file));
        if (r.exitCode() != 0) {
            problems.add(s.where() + ": validate-k8s.mjs failed:\n" + r.output());
        }
    }

    /** The shipped Service's and Deployment's labels and port names, rendered by kustomize from the base. */
    private record Shipped(Map<String, String> serviceLabels, Set<String> servicePorts, Map<String, String> podLabels,
                           Set<String> containerPorts) {}

    private static Shipped shipped() {
        Path kubectl = ExternalTools.require("kubectl");
        Repo.Result r = Repo.run(Repo.ROOT, 60, Map.of("KUBECONFIG", "/dev/null"),
                List.of(kubectl.toString(), "kustomize", "deploy/kubernetes/base"));
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> serviceLabels = new HashMap<>();
        Map<String, String> podLabels = new HashMap<>();
        Set<String> servicePorts = new HashSet<>();
        Set<String> containerPorts = new HashSet<>();
        try (var it = Repo.YAML.readerFor(JsonNode.class).<JsonNode>readValues(r.output())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                switch (d.path("kind").asText()) {
                    case "Service" -> {
                        d.path("metadata").path("labels").fields().forEachRemaining(e ->
                                serviceLabels.put(e.getKey(), e.getValue().asText()));
                        d.path("spec").path("ports").forEach(p -> servicePorts.add(p.path("name").asText()));
                    }
                    case "Deployment" -> {
                        JsonNode template = d.path("spec").path("template");
                        template.path("metadata").path("labels").fields().forEachRemaining(e ->
                                podLabels.put(e.getKey(), e.getValue().asText()));
                        template.path("spec").path("containers").forEach(c -> c.path("ports").forEach(p ->
                                containerPorts.add(p.path("name").asText())));
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Shipped(serviceLabels, servicePorts, podLabels, containerPorts);
    }

    /** ServiceMonitors must select the shipped Service by its labels and name its ports; PodMonitors the pods. */
    static List<String> monitorProblems(String where, List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        Shipped shipped = null;
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            if (!kind.equals("ServiceMonitor") && !kind.equals("PodMonitor")) {
                continue;
            }
            if (shipped == null) {
                shipped = shipped();
            }
            boolean service = kind.equals("ServiceMonitor");
            Map<String, String> labels = service ? shipped.serviceLabels() : shipped.podLabels();
            Set<String> ports = service ? shipped.servicePorts() : shipped.containerPorts();
            String target = service ? "the shipped Service" : "the shipped Deployment's pods";
            d.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e -> {
                if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                    problems.add(where + ": " + kind + " selects " + e.getKey() + "=" + e.getValue().asText()
                            + " but " + target + " has " + e.getKey() + "=" + labels.get(e.getKey()));
                }
            });
            for (JsonNode ep : d.path("spec").path(service ? "endpoints" : "podMetricsEndpoints")) {
                if (!ports.contains(ep.path("port").asText())) {
                    problems.add(where + ": " + kind + " scrapes port '" + ep.path("port").asText() + "' but "
                            + target + " names its ports " + ports);
                }
            }
        }
        return problems;
    }
}
