package dev.stackwatch.bench;

import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests per second with tracing off, sampled at 0.1 and at 1.0, measured in one run against the simulator with
 * no artificial latency (docs/benchmarks.md). Rounds are interleaved so that drift in a shared machine's load hits
 * every configuration alike; the median round is reported. Not a test: run it by hand (command in the docs).
 * Arguments: [seconds per round] [rounds] [concurrency].
 */
public final class TracingOverheadBench {
    /** The fast simulator without its artificial latency: what is left is the server's own cost. */
    static final String CONFIG = TestServers.FAST_SIMULATOR
            .replace("ttft_ms: 5, inter_token_ms: 1", "ttft_ms: 0, inter_token_ms: 0")
            .replace("max_tokens: 24", "max_tokens: 16");
    static final String BODY = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    private TracingOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            Map<String, StackwatchServer> servers = new LinkedHashMap<>();
            servers.put("tracing off", start(Map.of()));
            servers.put("sampled 0.1", start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())));
            servers.put("sampled 1.0", start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                    "OTEL_TRACES_SAMPLER_ARG", "1.0")));
            Map<String, List<Double>> results = new LinkedHashMap<>();
            servers.forEach((name, server) -> {
                run(server, 2, concurrency); // warm-up: JIT, connection pools
                results.put(name, new ArrayList<>());
            });
            for (int round = 0; round < rounds; round++) {
                for (var entry : servers.entrySet()) {
                    results.get(entry.getKey()).add(run(entry.getValue(), seconds, concurrency));
                }
            }
            double baseline = median(results.get("tracing off"));
            System.out.printf("%d rounds x %d s, %d concurrent clients, %d spans received%n", rounds, seconds,
                    concurrency, receiver.spans().size());
            results.forEach((name, perRound) -> System.out.printf("%-12s median %8.0f req/s  (%.2f x off)  rounds %s%n",
                    name, median(perRound), median(perRound) / baseline,
                    perRound.stream().map(r -> String.valueOf(Math.round(r))).toList()));
            servers.values().forEach(StackwatchServer::close);
        }
    }

    private static StackwatchServer start(Map<String, String> env) {
        return TestServers.startAndAwait(TestServers.config(CONFIG), TelemetrySettings.fromEnv(env));
    }

    /** Requests per second over {@code seconds} with {@code concurrency} clients sending back to back. */
    private static double run(StackwatchServer server, int seconds, int concurrency) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        LongAdder done = new LongAdder();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < concurrency; i++) {
                clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        HttpResponse<Void> res = client.send(request, HttpResponse.BodyHandlers.discarding());
                        if (res.statusCode() != 200) {
                            throw new IllegalStateException("status " + res.statusCode());
                        }
                        done.increment();
                    }
                    return null;
                });
            }
        }
        return done.sum() / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
