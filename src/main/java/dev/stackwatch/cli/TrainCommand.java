package dev.stackwatch.cli;

import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.telemetry.logging.LogbackSetup;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stackwatch train}: the training run behind the start-up cache that the build and the Dockerfile make
 * (bin/aot-cache). It starts the server as {@code serve} would, with the built-in config on free loopback ports, sends
 * what a replica sees first (probes, the model list, chat answers whole and streamed, an embedding, a refused request,
 * a scrape), then the same through a second server whose remote provider relays to the first, stops both and exits.
 * Both trace every request to a local OTLP collector, the second pushes its metrics there too, and every log line is
 * encoded as text and as JSON: what a deployment runs is in the cache whichever way it is configured. The JVM
 * records what ran into the cache named by {@code -XX:AOTCacheOutput} (JDK 25+) or
 * {@code -XX:ArchiveClassesAtExit} (older), so a later start maps those classes instead of loading them.
 */
final class TrainCommand {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);
    static final String USAGE = """
            usage: java -XX:AOTCacheOutput=FILE -jar stackwatch.jar train [--rounds N]
              --rounds N   how many times each request is made (default 20); bin/aot-cache runs this""";
    private static final String MODEL = "llama-3.2-3b-instruct-sim";
    private static final Duration READY_BOUND = Duration.ofSeconds(60);
    /** The built-in models, served by a remote provider whose upstream is the training server (its port: %d). */
    private static final String FRONT = """
            version: 2
            providers:
              inference:
              - provider_id: upstream
                provider_type: remote::vllm
                config: {url: "http://127.0.0.1:%d/v1"}
            registered_resources:
              models:
              - {model_id: llama-3.2-3b-instruct-sim, provider_id: upstream, model_type: llm}
              - {model_id: nomic-embed-text-sim, provider_id: upstream, model_type: embedding}
            server: {host: 127.0.0.1, port: 0, management_port: 0}
            """;

    private TrainCommand() {
    }

    static int run(String[] argv, Map<String, String> env) throws InterruptedException {
        Args args = new Args(argv, Set.of("rounds", "help"));
        if (args.has("help")) {
            System.out.println(USAGE);
            return 0;
        }
        int rounds = args.number("rounds", 20);
        // Training runs what a deployment runs (deploy/kubernetes: JSON logs, traces exported over OTLP), or a
        // deployment would load those classes from the jar at every start: a collector here answers every export.
        WebServer collector = otlpCollector();
        Runnable otherFormatOff = LogbackSetup.alsoEncodeInOtherFormat();
        try {
            train(rounds, env, collector.port());
        } finally {
            otherFormatOff.run();
            collector.stop();
        }
        return 0;
    }

    private static void train(int rounds, Map<String, String> env, int collectorPort) throws InterruptedException {
        // The built-in config started as `serve` starts it, on loopback, with the simulator's delays cut: the code
        // paths are the same, only the waiting goes. The ports are free ones named in advance, not 0, so that the
        // check `serve` makes of its ports runs here too. Every trace is sampled and sent within a tenth of a second.
        Map<String, String> trainingEnv = new HashMap<>(env);
        int[] ports = freePorts();
        trainingEnv.putAll(Map.of("LLS_HOST", "127.0.0.1", "LLS_PORT", String.valueOf(ports[0]),
                "MANAGEMENT_PORT", String.valueOf(ports[1]),
                "SIMULATOR_TTFT_MS", "1", "SIMULATOR_INTER_TOKEN_MS", "1", "SIMULATOR_LOAD_TIME_MS", "0",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collectorPort,
                "OTEL_TRACES_SAMPLER_ARG", "1", "OTEL_BSP_SCHEDULE_DELAY", "100",
                "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=training"));
        ServeCommand.Started started = ServeCommand.start(null, trainingEnv);
        try (StackwatchServer server = started.server()) {
            Traffic.send(server, rounds);
            // A deployment's models are remote: a second server relays the same traffic to the first through a
            // remote provider, so the upstream client (and its event loop) is in the cache as well, and a replica
            // in front of vLLM gets ready as fast as one on the simulator. It pushes its metrics over OTLP too.
            Map<String, String> frontEnv = new HashMap<>(trainingEnv);
            frontEnv.putAll(Map.of("LLS_PORT", "0", "MANAGEMENT_PORT", "0",
                    "OTEL_METRICS_EXPORTER", "prometheus,otlp", "OTEL_METRIC_EXPORT_INTERVAL", "100"));
            RunConfig front = new ConfigLoader(frontEnv, LOG::warn).parse(FRONT.formatted(server.port()),
                    "training front");
            try (StackwatchServer relaying = StackwatchServer.start(front, TelemetrySettings.fromEnv(frontEnv),
                    List.of())) {
                Traffic.send(relaying, rounds);
            }
        } catch (IOException e) {
            throw new IllegalStateException("training traffic failed: " + e.getMessage(), e);
        }
    }

    /** An OTLP/HTTP collector that accepts every export (an empty protobuf answer is a full success). */
    private static WebServer otlpCollector() {
        return WebServer.builder()
                .shutdownHook(false)
                .host("127.0.0.1")
                .port(0)
                .routing(routing -> routing.post("/v1/*", (req, res) -> {
                    req.content().consume();
                    res.header(HeaderNames.CONTENT_TYPE, "application/x-protobuf").send();
                }))
                .build()
                .start();
    }

    /** Two ports the system has just handed out as free, for the API and management listeners. */
    private static int[] freePorts() {
        try (ServerSocket api = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket management = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {api.getLocalPort(), management.getLocalPort()};
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the training run: " + e.getMessage(), e);
        }
    }

    /** Requests over the JDK's client, which the OTLP exporters use too; each answer's status is checked. */
    private static final class Traffic {
        private static final String CHAT = """
                {"model":"%s","messages":[{"role":"user","content":"hello"}],"max_tokens":8,"stream":%s}""";
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final URI api;
        private final URI management;

        Traffic(int apiPort, int managementPort) {
            this.api = URI.create("http://127.0.0.1:" + apiPort);
            this.management = URI.create("http://127.0.0.1:" + managementPort);
        }

        /** Waits until {@code server} is ready, then makes {@code rounds} rounds of requests to it. */
        static void send(StackwatchServer server, int rounds) throws IOException, InterruptedException {
            Traffic traffic = new Traffic(server.port(), server.managementPort());
            traffic.awaitReady();
            for (int i = 0; i < rounds; i++) {
                traffic.round();
            }
        }

        void awaitReady() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + READY_BOUND.toNanos();
            while (get(management, "/ready") != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("not ready after " + READY_BOUND.toSeconds() + " s");
                }
                Thread.sleep(20);
            }
        }

        void round() throws IOException, InterruptedException {
            expect(200, get(management, "/health"), "/health");
            expect(200, get(api, "/v1/models"), "/v1/models");
            expect(200, post("/v1/chat/completions", CHAT.formatted(MODEL, false)), "chat");
            expect(200, post("/v1/chat/completions", CHAT.formatted(MODEL, true)), "streamed chat");
            expect(200, post("/v1/embeddings", """
                    {"model":"nomic-embed-text-sim","input":"hello"}"""), "embeddings");
            expect(404, post("/v1/chat/completions", CHAT.formatted("no-such-model", false)), "unknown model");
            expect(200, get(management, "/metrics"), "/metrics");
        }

        private int get(URI base, String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(base.resolve(path)).GET());
        }

        private int post(String path, String body) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(api.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        private int send(HttpRequest.Builder request) throws IOException, InterruptedException {
            return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        }

        private static void expect(int status, int got, String what) throws IOException {
            if (got != status) {
                throw new IOException(what + " answered " + got + ", expected " + status);
            }
        }
    }
}
