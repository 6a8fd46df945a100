package dev.stackwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stackwatch.testing.ExternalTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Paths of the monitoring kit and a way to run the real tools that check it. */
final class Repo {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path RULES_DIR = DEPLOY.resolve("prometheus/rules");
    static final Path RULE_TESTS_DIR = DEPLOY.resolve("prometheus/tests");
    static final Path PROMETHEUS_YML = DEPLOY.resolve("prometheus/prometheus.yml");
    static final Path PROMETHEUS_HOST_YML = DEPLOY.resolve("prometheus/prometheus-host.yml");
    static final Path ALERTMANAGER_YML = DEPLOY.resolve("alertmanager/alertmanager.yml");
    static final Path DASHBOARDS_DIR = DEPLOY.resolve("grafana/dashboards");
    static final Path RUNBOOKS_DIR = ROOT.resolve("docs/runbooks");
    static final Path JS_DIR = ROOT.resolve("src/test/js");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private Repo() {
    }

    static List<Path> files(Path dir, String... suffixes) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every alerting rule (with its file) in deploy/prometheus/rules. */
    static List<JsonNode> alertRules() {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : files(RULES_DIR, ".yml", ".yaml")) {
            for (JsonNode g : yaml(f).path("groups")) {
                for (JsonNode r : g.path("rules")) {
                    if (r.has("alert")) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** The node_modules of src/test/js, or skip (laptop) / fail (CI) when `npm ci` has not been run there. */
    static Path requireNodeModules() {
        ExternalTools.require("node");
        Path modules = JS_DIR.resolve("node_modules");
        if (!Files.isDirectory(modules.resolve("kubernetes-models")) || !Files.isDirectory(modules.resolve("@grafana/schema"))) {
            ExternalTools.missing("npm", "src/test/js/node_modules is missing (run: cd src/test/js && npm ci)");
        }
        return modules;
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command (merged stdout/stderr), failing the test when it outlives {@code timeoutSeconds}. */
    static Result run(Path workDir, long timeoutSeconds, Map<String, String> env, List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            Path log = Files.createTempFile("tool-", ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result run(Path workDir, List<String> command) {
        return run(workDir, 120, Map.of(), command);
    }

    /** Runs and asserts exit code 0, returning the output. */
    static String ok(Path workDir, List<String> command) {
        Result r = run(workDir, command);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }
}
