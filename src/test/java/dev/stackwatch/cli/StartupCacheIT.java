package dev.stackwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up cache that {@code ./mvnw package} makes (bin/aot-cache) and bin/stackwatch uses: the launcher really
 * maps it, serves with it, and starts plainly and quietly with one that is stale or broken. Runs after packaging
 * (surefire's integration-test execution in the pom), on the JVM bin/stackwatch picks, as the build's cache step did.
 */
class StartupCacheIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path LAUNCHER = ROOT.resolve("bin/stackwatch");
    private static final String FROM_CACHE = "dev.stackwatch.Main source: shared objects file";
    private static Path cache;

    private record Run(int exit, String stdout, String stderr) {
    }

    @BeforeAll
    static void theBuildMadeACacheForThisJvm() throws Exception {
        Run path = run(List.of(ROOT.resolve("bin/aot-cache").toString(), "path"), Map.of());
        assertEquals(0, path.exit(), path.stderr());
        cache = Path.of(path.stdout().strip());
        assertTrue(Files.isRegularFile(cache), "./mvnw package made " + cache);
    }

    @Test
    void theLauncherMapsTheCache() throws Exception {
        Run run = run(List.of(LAUNCHER.toString(), "--help"), Map.of("JAVA_OPTS", "-Xlog:class+load"));
        assertEquals(0, run.exit(), run.stderr());
        assertTrue(run.stdout().contains(FROM_CACHE), "the main class comes from " + cache);
    }

    @Test
    void itServesWithTheCacheRequired(@TempDir Path dir) {
        // With the cache required, a JVM that could not map it would refuse to start at all.
        String required = cache.toString().endsWith(".aot") ? "-XX:AOTMode=on" : "-Xshare:on";
        try (ServerProcess server = ServerProcess.launchedBy(LAUNCHER, dir,
                Map.of("JAVA_OPTS", required, "LLS_HOST", "127.0.0.1"));
             Http api = new Http(server.port())) {
            var models = api.get("/v1/models");
            assertEquals(200, models.statusCode(), models.body());
            assertTrue(models.body().contains("llama-3.2-3b-instruct-sim"), models.body());
        }
    }

    @Test
    void aStartAsDeployedTakesItsTracingAndJsonLoggingFromTheCache(@TempDir Path dir) throws Exception {
        // As deploy/kubernetes runs it: JSON lines, every trace exported over OTLP. Training does both, so neither
        // the exporter, the JDK HTTP client it sends with, nor the JSON encoder is read from the jar at a start.
        Path classes = dir.resolve("classes.log");
        try (OtlpReceiver collector = new OtlpReceiver();
             ServerProcess server = ServerProcess.launchedBy(LAUNCHER, dir, Map.of(
                     "JAVA_OPTS", "-Xlog:class+load:file=" + classes, "LLS_HOST", "127.0.0.1", "LOG_FORMAT", "json",
                     "SIMULATOR_LOAD_TIME_MS", "0", "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(),
                     "OTEL_TRACES_SAMPLER_ARG", "1", "OTEL_BSP_SCHEDULE_DELAY", "50"));
             Http api = new Http(server.port())) {
            Polling.await(Duration.ofSeconds(20), "a chat completion", () -> api.post("/v1/chat/completions", """
                    {"model":"llama-3.2-3b-instruct-sim","messages":[{"role":"user","content":"hi"}],"max_tokens":4}\
                    """).statusCode() == 200);
            Polling.await(Duration.ofSeconds(20), "the chat's spans at the collector",
                    () -> !collector.spans().isEmpty());
        }
        // JDK 25 does not archive a class a multi-release jar keeps under META-INF/versions (OpenTelemetry has one).
        Set<String> versioned;
        try (JarFile jar = new JarFile(ROOT.resolve("target/stackwatch.jar").toFile())) {
            versioned = jar.stream().map(JarEntry::getName).filter(n -> n.startsWith("META-INF/versions/"))
                    .map(n -> n.replaceFirst("^META-INF/versions/\\d+/", "").replaceFirst("\\.class$", "")
                            .replace('/', '.'))
                    .collect(Collectors.toSet());
        }
        List<String> notFromTheCache = Files.readAllLines(classes, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(" io.opentelemetry.") || line.contains(" net.logstash.")
                        || line.contains(" jdk.internal.net.http."))
                .filter(line -> !line.contains("source: shared objects file"))
                .filter(line -> !versioned.contains(line.replaceFirst(".*\\] (\\S+) source:.*", "$1")))
                .toList();
        assertEquals(List.of(), notFromTheCache);
    }

    @Test
    void aCacheOlderThanTheJarIsLeftAlone(@TempDir Path dir) throws Exception {
        Path copy = copyOfTheInstall(dir);
        Path jar = copy.resolve("target/stackwatch.jar");
        Files.copy(cache, copy.resolve("target").resolve(cache.getFileName()));
        // A jar rebuilt after the cache: the JVM would run the cache's old classes, so the launcher must not offer it.
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        Run run = run(List.of(copy.resolve("bin/stackwatch").toString(), "--help"),
                Map.of("JAVA_OPTS", "-Xlog:class+load"));
        assertEquals(0, run.exit(), run.stderr());
        assertFalse(run.stdout().contains(FROM_CACHE), "classes come from the jar, not the stale cache");
        assertTrue(run.stdout().contains("dev.stackwatch.Main source: file:"), run.stdout().lines().limit(5).toList()
                .toString());
    }

    @Test
    void aBrokenCacheFallsBackToAPlainStartWithoutAWord(@TempDir Path dir) throws Exception {
        Path copy = copyOfTheInstall(dir);
        Files.writeString(copy.resolve("target").resolve(cache.getFileName()), "not a cache");
        Run plain = run(List.of(LAUNCHER.toString(), "--help"), Map.of());
        Run broken = run(List.of(copy.resolve("bin/stackwatch").toString(), "--help"), Map.of());
        assertEquals(0, broken.exit(), broken.stderr());
        assertEquals("", broken.stderr());
        assertEquals(plain.stdout(), broken.stdout(), "the usage text and nothing else");
    }

    /** bin/ and target/ as the build left them, elsewhere: the launcher finds everything relative to itself. */
    private static Path copyOfTheInstall(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String script : List.of("stackwatch", "aot-cache", "jdk-home")) {
            Files.copy(ROOT.resolve("bin").resolve(script), bin.resolve(script),
                    java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.copy(ROOT.resolve("target/stackwatch.jar"), target.resolve("stackwatch.jar"));
        return dir;
    }

    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("launcher-", ".out");
        Path err = Files.createTempFile("launcher-", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " exits");
        Run run = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }
}
