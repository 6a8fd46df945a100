package dev.stackwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.Polling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Real Prometheus and Alertmanager processes on loopback, fed with the shipped configuration (rewritten only where a
 * test must: targets, ports, and shorter intervals), plus an in-test webhook that records Alertmanager notifications.
 */
final class MonitoringStack implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer webhook;
    final List<Notification> notifications = new CopyOnWriteArrayList<>();
    int prometheusPort;
    int alertmanagerPort;

    /** One webhook call from Alertmanager: which receiver (from the URL path) got which alerts in which state. */
    record Notification(String receiver, String status, JsonNode body) {
        boolean has(String alertname, String alertStatus) {
            for (JsonNode a : body.path("alerts")) {
                if (a.path("labels").path("alertname").asText().equals(alertname) && a.path("status").asText().equals(alertStatus)) {
                    return true;
                }
            }
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rule files with every `for:` and every range selector shortened, so alerts fire in seconds, not minutes. */
    static void writeFastRules(Path dir, String range) throws IOException {
        Files.createDirectories(dir);
        for (Path f : Repo.files(Repo.RULES_DIR, ".yml")) {
            String text = Files.readString(f)
                    .replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 1s")
                    .replaceAll("\\[\\d+[smhdw]]", "[" + range + "]");
            Files.writeString(dir.resolve(f.getFileName()), text);
        }
    }

    /** The shipped prometheus.yml with its scrape jobs replaced by {@code jobs}, 1 s intervals and the test Alertmanager. */
    ObjectNode prometheusConfig(List<JsonNode> jobs, Path rulesDir) {
        ObjectNode cfg = (ObjectNode) Repo.yaml(Repo.PROMETHEUS_YML);
        ObjectNode global = (ObjectNode) cfg.path("global");
        global.put("scrape_interval", "1s").put("evaluation_interval", "1s").put("scrape_timeout", "1s");
        ArrayNode rules = cfg.putArray("rule_files");
        rules.add(rulesDir.resolve("*.yml").toString());
        if (alertmanagerPort > 0) {
            ((ObjectNode) cfg.path("alerting").path("alertmanagers").get(0).path("static_configs").get(0))
                    .putArray("targets").add("127.0.0.1:" + alertmanagerPort);
        } else {
            cfg.remove("alerting");
        }
        ArrayNode scrape = cfg.putArray("scrape_configs");
        jobs.forEach(scrape::add);
        return cfg;
    }

    void startPrometheus(Path dir, ObjectNode config) throws IOException {
        Path prometheus = ExternalTools.require("prometheus");
        Path file = dir.resolve("prometheus.yml");
        Repo.YAML.writeValue(file.toFile(), config);
        prometheusPort = freePort();
        start(dir.resolve("prometheus.log"), List.of(prometheus.toString(), "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--web.external-url=http://127.0.0.1:" + prometheusPort + "/"));
        awaitReady(prometheusPort, dir.resolve("prometheus.log"));
    }

    /** A config file as shipped, from where it lies (rule_files resolve beside it); data in {@code dir}. */
    void startPrometheusAsShipped(Path dir, Path config) throws IOException {
        Path prometheus = ExternalTools.require("prometheus");
        prometheusPort = freePort();
        start(dir.resolve("prometheus.log"), List.of(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort));
        awaitReady(prometheusPort, dir.resolve("prometheus.log"));
    }

    /** The shipped alertmanager.yml: same routes, grouping and inhibition; receivers point at the in-test webhook. */
    void startAlertmanager(Path dir) throws IOException {
        Path binary = ExternalTools.require("prometheus-alertmanager");
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", ex -> {
            JsonNode body = Repo.JSON.readTree(ex.getRequestBody());
            String receiver = ex.getRequestURI().getPath().substring(1);
            notifications.add(new Notification(receiver, body.path("status").asText(), body));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        webhook.start();
        ObjectNode cfg = (ObjectNode) Repo.yaml(Repo.ALERTMANAGER_YML);
        cfg.remove("global");
        cfg.remove("templates");
        for (JsonNode r : cfg.path("receivers")) {
            ObjectNode receiver = (ObjectNode) r;
            String name = receiver.path("name").asText();
            receiver.retain("name");
            receiver.putArray("webhook_configs").addObject()
                    .put("url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/" + name)
                    .put("send_resolved", true);
        }
        shorten((ObjectNode) cfg.path("route"));
        Path file = dir.resolve("alertmanager.yml");
        Repo.YAML.writeValue(file.toFile(), cfg);
        alertmanagerPort = freePort();
        start(dir.resolve("alertmanager.log"), List.of(binary.toString(), "--config.file=" + file,
                "--storage.path=" + dir.resolve("am-data"), "--cluster.listen-address=",
                "--web.listen-address=127.0.0.1:" + alertmanagerPort,
                "--web.external-url=http://127.0.0.1:" + alertmanagerPort + "/"));
        awaitReady(alertmanagerPort, dir.resolve("alertmanager.log"));
    }

    private static void shorten(ObjectNode route) {
        route.put("group_wait", "1s");
        route.put("group_interval", "1s");
        if (route.has("repeat_interval")) {
            route.put("repeat_interval", "1h");
        }
        for (JsonNode child : route.path("routes")) {
            shorten((ObjectNode) child);
        }
    }

    private void start(Path log, List<String> command) throws IOException {
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    private void awaitReady(int port, Path log) {
        try {
            Polling.await(Duration.ofSeconds(30), "http://127.0.0.1:" + port + "/-/ready", () -> {
                try {
                    return get("http://127.0.0.1:" + port + "/-/ready").statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + readQuietly(log), e);
        }
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    HttpResponse<String> get(String url) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** An instant query against the test Prometheus; the parsed `data` object (fails on a PromQL error). */
    JsonNode query(String promql) {
        try {
            HttpResponse<String> res = get("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            JsonNode body = Repo.JSON.readTree(res.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError("query failed: " + promql + "\n" + res.body());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode labelValues(String label, String match) {
        try {
            HttpResponse<String> res = get("http://127.0.0.1:" + prometheusPort + "/api/v1/label/" + label + "/values?match[]="
                    + URLEncoder.encode(match, StandardCharsets.UTF_8));
            return Repo.JSON.readTree(res.body()).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }
}
