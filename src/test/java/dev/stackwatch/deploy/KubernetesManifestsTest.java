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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kustomization under deploy/ rendered with the real kustomize (kubectl kustomize, offline) and each object
 * validated against the Kubernetes / Prometheus Operator schemas and wired-together checks (src/test/js/validate-k8s.mjs).
 */
class KubernetesManifestsTest {
    static final Map<String, String> BUNDLES = new LinkedHashMap<>();

    static {
        BUNDLES.put("base", "deploy/kubernetes/base");
        BUNDLES.put("dev", "deploy/kubernetes/overlays/dev");
        BUNDLES.put("kube-prometheus-stack", "deploy/kubernetes/overlays/kube-prometheus-stack");
        BUNDLES.put("kube-prometheus-stack-podmonitor", "deploy/kubernetes/overlays/kube-prometheus-stack-podmonitor");
        BUNDLES.put("plain-prometheus", "deploy/kubernetes/overlays/plain-prometheus");
        BUNDLES.put("operator", "deploy/kubernetes/operator");
        BUNDLES.put("llamastack-operator", "deploy/kubernetes/overlays/llamastack-operator");
        BUNDLES.put("logging", "deploy/logging");
        BUNDLES.put("tracing", "deploy/tracing");
    }

    private static String kustomize(Path kubectl, String dir) {
        Repo.Result r = Repo.run(Repo.ROOT, 60, Map.of("KUBECONFIG", "/dev/null"), List.of(kubectl.toString(), "kustomize", dir));
        if (r.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + r.output());
        }
        return r.output();
    }

    @Test
    void everyOverlayBuildsAndValidates(@TempDir Path tmp) throws IOException {
        Path kubectl = ExternalTools.require("kubectl");
        Repo.requireNodeModules();
        List<String> cmd = new ArrayList<>(List.of("node", "validate-k8s.mjs"));
        for (var e : BUNDLES.entrySet()) {
            Path out = tmp.resolve(e.getKey() + ".yaml");
            Files.writeString(out, kustomize(kubectl, e.getValue()));
            cmd.add(e.getKey() + "=" + out);
        }
        cmd.addAll(List.of("--adapter", Repo.DEPLOY.resolve("kubernetes/prometheus-adapter/values.yaml").toString()));
        cmd.addAll(List.of("--emit-ts", "build/k8s.check.ts"));
        Repo.Result r = Repo.run(Repo.JS_DIR, cmd);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("all " + BUNDLES.size() + " bundle(s) valid"), r.output());
        assertTrue(r.output().contains("ok kube-prometheus-stack: monitoring.coreos.com/v1/ServiceMonitor"), r.output());
        // Unknown fields (typos) pass JSON-schema validation; the TypeScript interfaces of the same packages reject them.
        Repo.Result tsc = tsc();
        assertEquals(0, tsc.exitCode(), "unknown or mistyped fields:\n" + tsc.output());
    }

    private static Repo.Result tsc() {
        return Repo.run(Repo.JS_DIR, 120, Map.of(), List.of("node", "node_modules/typescript/bin/tsc", "--noEmit", "--strict", "-p", "tsconfig.k8s.json"));
    }

    /** A misspelt field, which the Kubernetes JSON schemas allow, is caught by the typed check. */
    @Test
    void typedCheckRejectsAMisspeltField(@TempDir Path tmp) throws IOException {
        Path kubectl = ExternalTools.require("kubectl");
        Repo.requireNodeModules();
        String typo = kustomize(kubectl, "deploy/kubernetes/base").replace("sizeLimit:", "sizelimit:");
        Path f = tmp.resolve("typo.yaml");
        Files.writeString(f, typo);
        Path ts = Repo.JS_DIR.resolve("build/k8s-typo.check.ts");
        try {
            Repo.Result r = Repo.run(Repo.JS_DIR, List.of("node", "validate-k8s.mjs", "typo=" + f, "--emit-ts", "build/k8s-typo.check.ts"));
            assertEquals(0, r.exitCode(), "JSON schema accepts unknown fields: " + r.output());
            Repo.Result t = tsc();
            assertNotEquals(0, t.exitCode(), t.output());
            assertTrue(t.output().contains("sizelimit"), t.output());
        } finally {
            Files.deleteIfExists(ts);
        }
    }

    /** The validator is not a rubber stamp: a Deployment with a broken probe and a string replica count fails. */
    @Test
    void validatorRejectsABrokenDeployment(@TempDir Path tmp) throws IOException {
        Path kubectl = ExternalTools.require("kubectl");
        Repo.requireNodeModules();
        String broken = kustomize(kubectl, "deploy/kubernetes/base")
                .replace("replicas: 2", "replicas: two")
                .replace("path: /ready", "path: /health");
        Path f = tmp.resolve("broken.yaml");
        Files.writeString(f, broken);
        Repo.Result r = Repo.run(Repo.JS_DIR, List.of("node", "validate-k8s.mjs", "broken=" + f));
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("spec/replicas must be integer"), r.output());
        assertTrue(r.output().contains("readinessProbe must GET /ready"), r.output());
    }

    /** The PrometheusRule shipped to Kubernetes holds exactly the rules promtool tests. */
    @Test
    void prometheusRuleIsGeneratedFromTheRuleFiles() {
        Repo.requireNodeModules();
        Repo.Result r = Repo.run(Repo.JS_DIR, List.of("node", "gen-prometheusrule.js", "--check"));
        assertEquals(0, r.exitCode(), r.output());
        // Independent of the generator: same groups, compared as data.
        JsonNode crd = Repo.yaml(Repo.DEPLOY.resolve("kubernetes/components/prometheusrule/prometheusrule.yaml"));
        List<JsonNode> groups = new ArrayList<>();
        for (Path f : Repo.files(Repo.RULES_DIR, ".yml")) {
            Repo.yaml(f).path("groups").forEach(groups::add);
        }
        List<JsonNode> shipped = new ArrayList<>();
        crd.path("spec").path("groups").forEach(shipped::add);
        assertEquals(groups, shipped);
    }

    @Test
    void dockerfileRunsAsNonRootWithJsonLogs() throws IOException {
        String df = Files.readString(Repo.DEPLOY.resolve("docker/Dockerfile"));
        assertTrue(df.lines().anyMatch(l -> l.startsWith("USER ") && !l.contains("root") && !l.matches("USER 0(:.*)?")), df);
        assertTrue(df.contains("LOG_FORMAT=json"), df);
        assertTrue(df.contains("EXPOSE 8321 8080"), df);
        assertTrue(df.contains("ENTRYPOINT [\"java\""), "exec-form entrypoint so java gets SIGTERM and drains");
        // What it copies is what `./mvnw package` produces: one jar, dependencies merged in by the shade plugin.
        String pom = Files.readString(Repo.ROOT.resolve("pom.xml"));
        assertTrue(pom.contains("<finalName>stackwatch</finalName>") && pom.contains("<artifactId>maven-shade-plugin</artifactId>"));
        assertTrue(df.contains("COPY target/stackwatch.jar") && !df.contains("libs"), df);
        // The start-up cache is made in the image by the image's java, and the entrypoint uses that same file.
        java.util.regex.Matcher made = java.util.regex.Pattern.compile("RUN java -XX:AOTCacheOutput=(\\S+) .*train")
                .matcher(df);
        assertTrue(made.find(), "a RUN makes the AOT cache with a training run:\n" + df);
        assertTrue(df.contains("ENTRYPOINT [\"java\", \"-XX:AOTCache=" + made.group(1) + "\""), df);
    }
}
