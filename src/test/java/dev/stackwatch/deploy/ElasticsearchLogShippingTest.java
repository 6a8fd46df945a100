package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.ServerProcess;
import dev.stackwatch.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real parts: Stackwatch as a process writing JSON logs to a file, the shipped rsyslog config
 * ({@code deploy/logging/rsyslog/llamastack-elasticsearch.conf}: imfile, mmjsonparse, omelasticsearch) tailing it, and
 * a real Elasticsearch 8 (the integ-test zip from Maven Central that {@code .ci/run} fetches) where the request's
 * access-log event is then found by the trace id the client got back.
 *
 * <p>Tagged slow (Elasticsearch takes 10-20 s to start) so it can be picked out or left out locally with
 * {@code -Dgroups}/{@code -DexcludedGroups}; nothing excludes the tag, so it still runs in CI's {@code mvnw verify}.
 */
@Tag("slow")
class ElasticsearchLogShippingTest {
    static final String ES_VERSION = "8.19.21";
    static final Path ES_ZIP = Repo.ROOT.resolve("target/elasticsearch/elasticsearch-" + ES_VERSION + ".zip");
    static final Path RSYSLOG_CONF = Repo.DEPLOY.resolve("logging/rsyslog/llamastack-elasticsearch.conf");
    /** Elasticsearch refuses to run as root; when the test is root it runs Elasticsearch as this system user. */
    static final String ES_USER = "esuser";
    static final String REQUEST_ID = "es-shipping.7";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpCalls http = new HttpCalls();

    @Test
    void theAccessLogOfARequestIsFoundInElasticsearchByItsTraceId(@TempDir Path dir) throws IOException {
        if (!Files.isRegularFile(ES_ZIP)) {
            ExternalTools.missing("elasticsearch", ES_ZIP + " is missing (fetch it as .ci/run does: ./mvnw "
                    + "dependency:copy -Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:"
                    + ES_VERSION + ":zip -DoutputDirectory=target/elasticsearch)");
        }
        Path rsyslogd = ExternalTools.require("rsyslogd");

        List<Process> started = new ArrayList<>();
        // Not the @TempDir: when Elasticsearch runs as another user it must be able to reach its directory, and JUnit's
        // temp directory is private to the test's user.
        Path esDir = Files.createTempDirectory("stackwatch-es");
        ServerProcess server = null;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            int esPort = startElasticsearch(esDir, started);

            // Stackwatch's stdout goes to dir/stdout.txt (ServerProcess writes it to a file), which rsyslog tails just
            // as it would tail a container runtime's log file.
            Path config = Files.writeString(dir.resolve("run.yaml"), TestServers.FAST_SIMULATOR);
            server = new ServerProcess(dir, Map.of(
                    "LOG_FORMAT", "json",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                    // Always sampled, so this request certainly has a trace id to look the log line up by.
                    "OTEL_TRACES_SAMPLER", "always_on",
                    "OTEL_BSP_SCHEDULE_DELAY", "50"), "--config", config.toString());
            Path logFile = dir.resolve("stdout.txt");
            ServerProcess running = server;

            startRsyslog(rsyslogd, dir, logFile, esPort, started);

            HttpResponse<String> chat = http.send("http://127.0.0.1:" + server.port() + "/v1/chat/completions", """
                    {"model": "sim-chat", "messages": [{"role": "user", "content": "ship me"}]}""",
                    "x-request-id", REQUEST_ID);
            assertEquals(200, chat.statusCode(), chat.body());
            String traceId = chat.headers().firstValue("x-trace-id").orElseThrow(
                    () -> new AssertionError("no x-trace-id although every request is sampled"));
            assertTrue(traceId.matches("[0-9a-f]{32}"), traceId);

            // What Stackwatch itself wrote, to compare the shipped document with.
            JsonNode local = Polling.awaitValue(Duration.ofSeconds(10), "the access line in " + logFile,
                    () -> running.stdout().stream().filter(l -> l.contains(traceId)).map(this::parse)
                            .filter(l -> "access".equals(l.path("event").asText())).findFirst().orElse(null));

            String es = "http://127.0.0.1:" + esPort;
            String search = es + "/llamastack-logs/_search?q=" + URLEncoder.encode("trace_id:" + traceId,
                    StandardCharsets.UTF_8);
            JsonNode shipped;
            try {
                shipped = Polling.awaitValue(Duration.ofSeconds(30), "the access event with trace_id " + traceId
                        + " in Elasticsearch", () -> {
                            JsonNode hits = parse(http.send(search, null).body()).at("/hits/hits");
                            for (JsonNode hit : hits) {
                                if ("access".equals(hit.at("/_source/event").asText())) {
                                    return hit.get("_source");
                                }
                            }
                            return null;
                        });
            } catch (AssertionError e) {
                // The temp directory is gone after the test: say here what rsyslog and Elasticsearch complained of.
                throw new AssertionError(e.getMessage() + "\nrsyslogd: " + tail(dir.resolve("rsyslog/rsyslogd.out"))
                        + "\nrejected by Elasticsearch: " + tail(dir.resolve("rsyslog-errors.json")), e);
            }

            assertEquals(traceId, shipped.path("trace_id").asText());
            assertEquals(REQUEST_ID, shipped.path("request_id").asText());
            assertEquals("INFO", shipped.path("level").asText());
            assertEquals("/v1/chat/completions", shipped.path("endpoint").asText());
            assertEquals(200, shipped.path("status").asInt());
            assertTrue(shipped.path("status").isNumber(), "status stays a number, not a string: " + shipped);
            // The application's own timestamp is the event's time, not the time rsyslog read or shipped the line.
            assertEquals(local.path("@timestamp").asText(), shipped.path("@timestamp").asText());
            Instant.parse(shipped.path("@timestamp").asText());
            assertEquals(local.path("span_id").asText(), shipped.path("span_id").asText());
            assertFalse(shipped.has("metadata"), "no rsyslog envelope fields in the document: " + shipped);
            // Elasticsearch took @timestamp as a date (so time-range queries and Kibana's time filter work on it).
            JsonNode mapping = parse(http.send(es + "/llamastack-logs/_mapping", null).body());
            assertEquals("date", mapping.at("/llamastack-logs/mappings/properties/@timestamp/type").asText(),
                    mapping.toString());
            assertFalse(Files.exists(dir.resolve("rsyslog-errors.json")), "Elasticsearch rejected nothing");
        } finally {
            if (server != null) {
                server.close();
            }
            for (Process process : started.reversed()) {
                stopTree(process);
            }
            deleteTree(esDir);
        }
    }

    /** Unzips and starts Elasticsearch (as {@link #ES_USER} when the test is root); returns its HTTP port. */
    private int startElasticsearch(Path esDir, List<Process> started) throws IOException {
        Path home = unzip(ES_ZIP, esDir);
        int port = MonitoringStack.freePort();
        boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        List<String> command = new ArrayList<>();
        if (root) {
            if (run("id", "-u", ES_USER) != 0) {
                assertEquals(0, run("useradd", "--system", "--no-create-home", ES_USER), "useradd " + ES_USER);
            }
            assertEquals(0, run("chown", "-R", ES_USER, esDir.toString()), "chown " + esDir);
            command.addAll(List.of("runuser", "-u", ES_USER, "--"));
        }
        command.add(home.resolve("bin/elasticsearch").toString());
        for (String setting : List.of("xpack.security.enabled=false", "network.host=127.0.0.1",
                "discovery.type=single-node", "http.port=" + port, "path.data=" + esDir.resolve("data"),
                "path.logs=" + esDir.resolve("logs"), "xpack.ml.enabled=false",
                // A nearly full CI disk would otherwise leave the index's shard unassigned and the search empty.
                "cluster.routing.allocation.disk.threshold_enabled=false")) {
            command.addAll(List.of("-E", setting));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(esDir.resolve("elasticsearch.out").toFile());
        // The integ-test zip has no bundled JDK: it runs on the JDK running this test.
        builder.environment().put("ES_JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
        Process process = builder.start();
        started.add(process);
        Polling.await(Duration.ofSeconds(60), "Elasticsearch on port " + port + " (see "
                + esDir.resolve("elasticsearch.out") + ")", () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Elasticsearch exited with " + process.exitValue() + ": "
                                + tail(esDir.resolve("elasticsearch.out")));
                    }
                    String status = parse(http.send("http://127.0.0.1:" + port + "/_cluster/health", null).body())
                            .path("status").asText();
                    return status.equals("green") || status.equals("yellow");
                });
        return port;
    }

    /** Renders the shipped rsyslog config with this test's paths and port and runs it in the foreground. */
    private static void startRsyslog(Path rsyslogd, Path dir, Path logFile, int esPort, List<Process> started)
            throws IOException {
        Path work = Files.createDirectories(dir.resolve("rsyslog"));
        String conf = Files.readString(RSYSLOG_CONF)
                .replace("__WORK_DIR__", work.toString())
                .replace("__LOG_FILE__", logFile.toString())
                .replace("__ES_HOST__", "127.0.0.1")
                .replace("__ES_PORT__", Integer.toString(esPort))
                .replace("__ERROR_FILE__", dir.resolve("rsyslog-errors.json").toString());
        assertFalse(conf.contains("__"), "every placeholder is filled in: " + conf);
        Path rendered = Files.writeString(work.resolve("rsyslog.conf"), conf);
        // -n: stay in the foreground as our child; -i: our own pid file, so no system rsyslog is disturbed.
        Process process = new ProcessBuilder(rsyslogd.toString(), "-n", "-f", rendered.toString(),
                "-i", work.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("rsyslogd.out").toFile()).start();
        started.add(process);
        // A config rsyslog cannot load makes it exit at once; say why instead of timing out on the search.
        try {
            if (process.waitFor(500, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("rsyslogd exited with " + process.exitValue() + ": "
                        + tail(work.resolve("rsyslogd.out")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path home = into.resolve("elasticsearch-" + ES_VERSION);
        // ZipInputStream drops the Unix modes; the launch scripts are all that must be executable.
        try (Stream<Path> scripts = Files.list(home.resolve("bin"))) {
            scripts.forEach(p -> p.toFile().setExecutable(true, false));
        }
        return home;
    }

    private static int run(String... command) throws IOException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** runuser and the Elasticsearch launcher both fork: stop the descendants too, deepest first. */
    private static void stopTree(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    private static String tail(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Elasticsearch's directory, files owned by {@link #ES_USER} included (the test is root then, so it may). */
    /** Best effort: a temp folder left behind must not replace the test's own failure with a cleanup error. */
    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("warning: could not delete " + dir + ": " + e);
        }
    }
}
