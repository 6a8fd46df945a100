package dev.stackwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus (the Debian package) on loopback, scraping one target every second into a temporary directory.
 * Started by a test, stopped by the same test (by its own process handle), its directory deleted.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final int port;
    private final HttpCalls http = new HttpCalls();

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts Prometheus scraping {@code 127.0.0.1:targetPort/metrics}; {@code features} go to --enable-feature. */
    public static PrometheusServer start(int targetPort, String... features) throws IOException {
        Path binary = ExternalTools.require("prometheus");
        Path dir = Files.createTempDirectory("prometheus-test");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 1s}
                scrape_configs:
                - job_name: stackwatch
                  static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(targetPort));
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
        for (String feature : features) {
            command.add("--enable-feature=" + feature);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(process, dir, port);
        try {
            Polling.await(Duration.ofSeconds(30), "Prometheus on port " + port + " to be ready",
                    () -> server.get("/-/ready").statusCode() == 200);
        } catch (AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The {@code data.result} array of an instant query (empty when nothing matched yet). */
    public JsonNode query(String promql) {
        HttpResponse<String> res = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            JsonNode body = JSON.readTree(res.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError("query " + promql + " failed: " + res.body());
            }
            return body.at("/data/result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private HttpResponse<String> get(String path) {
        return http.send("http://127.0.0.1:" + port + path, null);
    }

    @Override
    public void close() {
        http.close();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless; the process is already gone
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
