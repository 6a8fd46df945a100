package dev.stackwatch.telemetry.metrics.otlp;

import static dev.stackwatch.testing.OtlpMetricPoints.count;
import static dev.stackwatch.testing.OtlpMetricPoints.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.OtlpMetricPoints;
import dev.stackwatch.testing.OtlpMetricPoints.Point;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.SimulatorUpstream;
import dev.stackwatch.testing.SseEvents;
import dev.stackwatch.testing.TestServers;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real server pushing metrics to a real OTLP/HTTP receiver: GenAI and HTTP semantic-convention names, units,
 * bucket boundaries and attributes, and counts equal to what the clients saw, under both temporalities.
 */
class OtlpMetricsTest {
    /** The fast simulator plus a model whose every call fails. */
    static final String CONFIG = TestServers.FAST_SIMULATOR
            + "  - {model_id: sim-broken, provider_id: simulator, model_type: llm, metadata: {error_rate: 1.0}}\n";
    static final String CHAT_ROUTE = "/v1/chat/completions";
    static final Map<String, String> SIM_CHAT = Map.of("gen_ai.operation.name", "chat",
            "gen_ai.provider.name", "simulator", "gen_ai.request.model", "sim-chat",
            "gen_ai.response.model", "sim-chat");
    static final String NEVER = "3600000";
    /** The conventions' recommended boundaries, written out here rather than read from the code under test. */
    static final List<Double> GEN_AI_DURATION = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);
    static final List<Double> TTFT = List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
            2.5, 5.0, 7.5, 10.0);
    static final List<Double> TPOT = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5);
    static final List<Double> HTTP_DURATION = List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
            5.0, 7.5, 10.0);

    private final OtlpReceiver receiver = new OtlpReceiver();
    private final HttpCalls http = new HttpCalls();
    private final ObjectMapper json = new ObjectMapper();
    private StackwatchServer server;

    /** What the clients saw: responses by route and status, and the token usage the responses reported. */
    private final Map<String, Integer> responses = new HashMap<>();
    private long inputTokens;
    private long outputTokens;
    private int brokenStatus;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        receiver.close();
        http.close();
    }

    private String start(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of(
                "OTEL_METRICS_EXPORTER", "prometheus,otlp",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", receiver.endpoint() + "/v1/metrics",
                "OTEL_SERVICE_NAME", "stackwatch-metrics-test"));
        env.putAll(extraEnv);
        server = TestServers.startAndAwait(TestServers.config(CONFIG), TelemetrySettings.fromEnv(env));
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void cumulativePushesFollowTheConventionsAndTheLastOneAfterCloseCountsEveryRequest() {
        // No periodic push within the test: everything arrives in the push close() makes, as on SIGTERM.
        String base = start(Map.of("OTEL_METRIC_EXPORT_INTERVAL", NEVER));
        traffic(base);
        traffic(base);
        Scrape scrape = Scrape.of(server.managementPort());
        server.close();
        server = null;

        List<ExportMetricsServiceRequest> pushes = receiver.metricPushes();
        assertEquals(1, pushes.size(), "one push, the final one");
        assertConventionsAndCounts(pushes, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        // The same events fed /metrics: the two outputs agree.
        assertEquals(scrape.sum("llamastack_requests_total"), count(OtlpMetricPoints.latest(pushes,
                "http.server.request.duration"), Map.of()), "Prometheus and OTLP request counts");
        assertEquals(scrape.sum("llamastack_tokens_total", Map.of("type", "output")),
                sum(OtlpMetricPoints.latest(pushes, "gen_ai.client.token.usage"), Map.of("gen_ai.token.type",
                        "output")), "Prometheus and OTLP output tokens");
    }

    @Test
    void deltaPushesAddUpToExactlyWhatTheClientsSaw() {
        String base = start(Map.of("OTEL_METRIC_EXPORT_INTERVAL", "100",
                "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta"));
        traffic(base);
        Polling.await(Duration.ofSeconds(10), "a push with the first requests", () -> count(OtlpMetricPoints.of(
                receiver.metricPushes(), "http.server.request.duration"), Map.of()) > 0);
        traffic(base);
        server.close();
        server = null;

        List<ExportMetricsServiceRequest> pushes = receiver.metricPushes();
        long pushesWithRequests = pushes.stream().filter(p -> count(OtlpMetricPoints.of(List.of(p),
                "http.server.request.duration"), Map.of()) > 0).count();
        assertTrue(pushesWithRequests >= 2, "the requests are spread over several delta pushes");
        assertConventionsAndCounts(pushes, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    }

    @Test
    void aRemoteProvidersCallsNameItsUpstreamAsServerAddressAndPort() {
        try (SimulatorUpstream upstream = SimulatorUpstream.start("{ttft_ms: 0, inter_token_ms: 0, jitter: 0}")) {
            Map<String, String> env = Map.of("OTEL_METRICS_EXPORTER", "otlp",
                    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", receiver.endpoint() + "/v1/metrics",
                    "OTEL_METRIC_EXPORT_INTERVAL", NEVER);
            server = TestServers.startAndAwait(TestServers.config("""
                    version: 2
                    providers:
                      inference:
                      - provider_id: simulator
                        provider_type: inline::simulator
                        config: {ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 8, max_tokens: 24}
                      - provider_id: vllm
                        provider_type: remote::vllm
                        config: {url: "%s"}
                    registered_resources:
                      models:
                      - {model_id: sim-chat, provider_id: simulator, model_type: llm}
                      - {model_id: far-chat, provider_id: vllm, provider_model_id: sim-chat, model_type: llm}
                      - {model_id: far-embed, provider_id: vllm, provider_model_id: sim-embed, model_type: embedding, metadata: {embedding_dimension: 64}}
                    """.formatted(upstream.baseUrl())), TelemetrySettings.fromEnv(env));
            String base = "http://127.0.0.1:" + server.port();
            for (String model : List.of("far-chat", "sim-chat")) {
                for (boolean stream : new boolean[] {false, true}) {
                    HttpResponse<String> res = http.send(base + CHAT_ROUTE, chat(model, stream));
                    assertEquals(200, res.statusCode(), res.body());
                }
            }
            HttpResponse<String> embedding = http.send(base + "/v1/embeddings",
                    "{\"model\": \"far-embed\", \"input\": \"hello there\"}");
            assertEquals(200, embedding.statusCode(), embedding.body());
            server.close();
            server = null;

            List<ExportMetricsServiceRequest> pushes = receiver.metricPushes();
            Map<String, String> remote = Map.of("gen_ai.provider.name", "vllm", "server.address", "127.0.0.1",
                    "server.port", Integer.toString(upstream.port()));
            List<Point> duration = OtlpMetricPoints.latest(pushes, "gen_ai.server.request.duration");
            assertEquals(2, count(duration, with(remote, "gen_ai.request.model", "far-chat")), "the remote chats");
            assertEquals(1, count(duration, with(remote, "gen_ai.request.model", "far-embed")), "the remote embedding");
            assertEquals(1, count(OtlpMetricPoints.latest(pushes, "gen_ai.server.time_to_first_token"), remote));
            assertEquals(1, count(OtlpMetricPoints.latest(pushes, "gen_ai.server.time_per_output_token"), remote));
            List<Point> tokens = OtlpMetricPoints.latest(pushes, "gen_ai.client.token.usage");
            assertEquals(3, count(tokens, with(remote, "gen_ai.token.type", "input")), "2 chats and 1 embedding");
            assertEquals(2, count(tokens, with(remote, "gen_ai.token.type", "output")), "2 chats");
            // The in-process simulator has no upstream: its points carry neither attribute.
            for (String metric : List.of("gen_ai.server.request.duration", "gen_ai.server.time_to_first_token",
                    "gen_ai.server.time_per_output_token", "gen_ai.client.token.usage")) {
                List<Point> points = OtlpMetricPoints.latest(pushes, metric);
                assertTrue(points.stream().anyMatch(p -> p.has(Map.of("gen_ai.provider.name", "simulator"))), metric);
                for (Point p : points) {
                    boolean remoteCall = p.attributes().get("gen_ai.provider.name").equals("vllm");
                    String where = metric + " " + p.attributes();
                    assertEquals(remoteCall, p.has(remote), where);
                    assertEquals(remoteCall, p.attributes().containsKey("server.address"), where);
                    assertEquals(remoteCall, p.attributes().containsKey("server.port"), where);
                }
            }
        }
    }

    @Test
    void aLlamaStackUpstreamIsNamedOnItsChatsAndOnTheResponsesCallsItRelays() {
        String distribution = "{distribution: true, ttft_ms: 0, inter_token_ms: 0}";
        try (SimulatorUpstream upstream = SimulatorUpstream.start(distribution)) {
            Map<String, String> env = Map.of("OTEL_METRICS_EXPORTER", "otlp",
                    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", receiver.endpoint() + "/v1/metrics",
                    "OTEL_METRIC_EXPORT_INTERVAL", NEVER);
            server = TestServers.startAndAwait(TestServers.config(TestServers.inFrontOfDistribution(upstream.port(), "")), TelemetrySettings.fromEnv(env));
            String base = "http://127.0.0.1:" + server.port();
            assertEquals(200, http.send(base + CHAT_ROUTE, chat("sim-chat", false)).statusCode());
            HttpResponse<String> res = http.send(base + "/v1/responses",
                    "{\"model\": \"sim-chat\", \"stream\": true, \"input\": \"hello\"}");
            assertEquals(200, res.statusCode(), res.body());
            server.close();
            server = null;

            List<Point> duration = OtlpMetricPoints.latest(receiver.metricPushes(), "gen_ai.server.request.duration");
            Map<String, String> stack = Map.of("gen_ai.provider.name", "llama-stack", "server.address", "127.0.0.1",
                    "server.port", Integer.toString(upstream.port()));
            // The chat and the relayed Responses call (also "chat" under the conventions), both with the upstream.
            assertEquals(2, count(duration, Map.of()), "both calls measured: " + duration);
            assertEquals(2, count(duration, with(stack, "gen_ai.operation.name", "chat")), duration.toString());
        }
    }

    private static Map<String, String> with(Map<String, String> attributes, String key, String value) {
        Map<String, String> more = new HashMap<>(attributes);
        more.put(key, value);
        return more;
    }

    @Test
    void exemplarsCarryTheTraceOfTheRequestTheyMeasured() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String base = start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                "OTEL_TRACES_SAMPLER", "parentbased_always_on", "OTEL_METRIC_EXPORT_INTERVAL", NEVER,
                "OTEL_BSP_SCHEDULE_DELAY", "50"));
        HttpResponse<String> res = http.send(base + CHAT_ROUTE, chat("sim-chat", true),
                "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        assertEquals(200, res.statusCode(), res.body());
        server.close();
        server = null;

        List<ExportMetricsServiceRequest> pushes = receiver.metricPushes();
        for (String metric : List.of("http.server.request.duration", "gen_ai.server.request.duration",
                "gen_ai.server.time_to_first_token", "gen_ai.client.token.usage")) {
            List<String> traces = OtlpMetricPoints.of(pushes, metric).stream().flatMap(p -> p.exemplars().stream())
                    .map(e -> HexFormat.of().formatHex(e.getTraceId().toByteArray())).distinct().toList();
            assertEquals(List.of(traceId), traces, metric + " exemplars");
        }
        // The GenAI measurements are taken inside the provider call's span, the HTTP one inside the server span.
        String genAiSpan = spanOfExemplar(pushes, "gen_ai.server.request.duration");
        String httpSpan = spanOfExemplar(pushes, "http.server.request.duration");
        assertFalse(genAiSpan.equals(httpSpan), "different spans");
        List<OtlpReceiver.Received> spans = Polling.awaitValue(Duration.ofSeconds(10), "both spans", () -> {
            List<OtlpReceiver.Received> trace = receiver.trace(traceId);
            return trace.size() >= 2 ? trace : null;
        });
        assertTrue(spans.stream().anyMatch(s -> s.spanId().equals(genAiSpan) && s.name().equals("chat sim-chat")));
        assertTrue(spans.stream().anyMatch(s -> s.spanId().equals(httpSpan)
                && s.name().equals("POST " + CHAT_ROUTE)));
    }

    @Test
    void aCollectorThatIsDownNeitherSlowsNorFailsServingAndTheGapIsCounted() {
        receiver.refuse(503);
        String base = start(Map.of("OTEL_METRIC_EXPORT_INTERVAL", "100"));
        // Counted, and retried (several refusals) rather than given up at the first.
        Polling.await(Duration.ofSeconds(30), "export failures to be counted and retried", () ->
                Scrape.of(server.managementPort()).sum("llamastack_telemetry_export_failures_total",
                        Map.of("signal", "metrics")) >= 1 && receiver.refusals() > 1);
        // Serving while the collector refuses: every request answered, none waiting on the export (loosely: the
        // benchmark measures the cost; a request stuck behind a 10 s export timeout would show here).
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            HttpResponse<String> res = http.send(base + CHAT_ROUTE, chat("sim-chat", false));
            assertEquals(200, res.statusCode(), res.body());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 2_000, "a request took " + millis + " ms while the collector was down");
        }
        receiver.refuse(0);
        // Cumulative temporality: the first push after the outage carries everything, the gap included.
        Polling.await(Duration.ofSeconds(30), "export to resume with all 5 requests", () -> count(
                OtlpMetricPoints.latest(receiver.metricPushes(), "http.server.request.duration"),
                Map.of("http.route", CHAT_ROUTE)) == 5);
    }

    @Test
    void failedSpanPushesAreCountedUnderTheirOwnSignal() {
        // A path the receiver does not serve: every span push gets a 404, which the exporter does not retry.
        String base = start(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.endpoint() + "/not-a-collector",
                "OTEL_TRACES_SAMPLER", "always_on", "OTEL_BSP_SCHEDULE_DELAY", "50",
                "OTEL_METRIC_EXPORT_INTERVAL", NEVER));
        assertEquals(200, http.send(base + "/v1/models", null).statusCode());
        Polling.await(Duration.ofSeconds(20), "the failed span push to be counted", () ->
                Scrape.of(server.managementPort()).sum("llamastack_telemetry_export_failures_total",
                        Map.of("signal", "traces")) >= 1);
        assertEquals(0, Scrape.of(server.managementPort()).sum("llamastack_telemetry_export_failures_total",
                Map.of("signal", "metrics")), "the metrics push has not failed");
    }

    @Test
    void withoutPrometheusAmongTheExportersThereIsNoMetricsEndpoint() {
        start(Map.of("OTEL_METRICS_EXPORTER", "otlp", "OTEL_METRIC_EXPORT_INTERVAL", NEVER));
        HttpResponse<String> res = http.send("http://127.0.0.1:" + server.managementPort() + "/metrics", null);
        assertEquals(404, res.statusCode());
    }

    /** One of each kind of request, tallying what the client saw. */
    private void traffic(String base) {
        for (boolean stream : new boolean[] {false, false, true}) {
            HttpResponse<String> res = http.send(base + CHAT_ROUTE, chat("sim-chat", stream));
            assertEquals(200, res.statusCode(), res.body());
            JsonNode usage = stream ? SseEvents.parse(res.body()).stream().filter(e -> e.hasNonNull("usage"))
                    .reduce((a, b) -> b).orElseThrow().path("usage") : read(res.body()).path("usage");
            inputTokens += usage.path("prompt_tokens").asLong();
            outputTokens += usage.path("completion_tokens").asLong();
            tally(CHAT_ROUTE, res);
        }
        HttpResponse<String> embedding = http.send(base + "/v1/embeddings",
                "{\"model\": \"sim-embed\", \"input\": \"hello there\"}");
        assertEquals(200, embedding.statusCode(), embedding.body());
        inputTokens += read(embedding.body()).path("usage").path("prompt_tokens").asLong();
        tally("/v1/embeddings", embedding);
        HttpResponse<String> broken = http.send(base + CHAT_ROUTE, chat("sim-broken", false));
        assertTrue(broken.statusCode() >= 500, broken.body());
        brokenStatus = broken.statusCode();
        tally(CHAT_ROUTE, broken);
        tally("other", http.send(base + "/no/such/route", null));
        tally("/v1/models", http.send(base + "/v1/models", null));
    }

    private void tally(String route, HttpResponse<String> res) {
        responses.merge(route + " " + res.statusCode(), 1, Integer::sum);
    }

    /** Under delta temporality the counts are the sum over every push; under cumulative, the last push's. */
    private void assertConventionsAndCounts(List<ExportMetricsServiceRequest> pushes,
                                            AggregationTemporality temporality) {
        Function<String, List<Point>> points = temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                ? metric -> OtlpMetricPoints.of(pushes, metric)
                : metric -> OtlpMetricPoints.latest(pushes, metric);

        List<Point> http = points.apply("http.server.request.duration");
        assertHistogram(http, "s", HTTP_DURATION, temporality);
        responses.forEach((key, expected) -> {
            String[] parts = key.split(" ");
            Map<String, String> match = parts[0].equals("other")
                    ? Map.of("http.response.status_code", parts[1])
                    : Map.of("http.route", parts[0], "http.response.status_code", parts[1]);
            long seen = http.stream().filter(p -> p.has(match) && (parts[0].equals("other")
                    != p.attributes().containsKey("http.route"))).mapToLong(Point::count).sum();
            assertEquals((long) expected, seen, "http.server.request.duration count for " + key);
        });
        assertEquals(responses.values().stream().mapToLong(Integer::longValue).sum(), count(http, Map.of()));
        for (Point p : http) {
            assertEquals("http", p.attributes().get("url.scheme"), p.toString());
            assertTrue(List.of("GET", "POST").contains(p.attributes().get("http.request.method")), p.toString());
            int status = Integer.parseInt(p.attributes().get("http.response.status_code"));
            assertEquals(status >= 500, p.attributes().containsKey("error.type"), p.attributes().toString());
            assertEquals("stackwatch-metrics-test", p.resource().get("service.name"));
        }
        List<Point> active = OtlpMetricPoints.latest(pushes, "http.server.active_requests");
        assertFalse(active.isEmpty(), "http.server.active_requests pushed");
        for (Point p : active) {
            assertEquals("{request}", p.unit());
            assertEquals(0, p.value(), "nothing in flight at the end: " + p.attributes());
        }

        int rounds = responses.get("/v1/models 200");
        List<Point> duration = points.apply("gen_ai.server.request.duration");
        assertHistogram(duration, "s", GEN_AI_DURATION, temporality);
        assertEquals(3L * rounds, count(duration, SIM_CHAT), "the served chats");
        assertEquals(1L * rounds, count(duration, Map.of("gen_ai.operation.name", "embeddings",
                "gen_ai.request.model", "sim-embed")));
        List<Point> failed = duration.stream().filter(p -> p.attributes().containsKey("error.type")).toList();
        assertEquals(1L * rounds, count(failed, Map.of("gen_ai.request.model", "sim-broken")),
                "the failed calls, with error.type (the client got " + brokenStatus + ")");
        assertEquals(failed.stream().mapToLong(Point::count).sum(), count(failed, Map.of()));

        List<Point> ttft = points.apply("gen_ai.server.time_to_first_token");
        assertHistogram(ttft, "s", TTFT, temporality);
        assertEquals(1L * rounds, count(ttft, SIM_CHAT), "one first token per streamed chat");
        List<Point> tpot = points.apply("gen_ai.server.time_per_output_token");
        assertHistogram(tpot, "s", TPOT, temporality);
        assertEquals(1L * rounds, count(tpot, SIM_CHAT), "one value per streamed chat");

        List<Point> tokens = points.apply("gen_ai.client.token.usage");
        // Powers of 4, from 1 to 4^13.
        assertHistogram(tokens, "{token}", java.util.stream.IntStream.rangeClosed(0, 13)
                .mapToObj(i -> Math.pow(4, i)).toList(), temporality);
        assertEquals(inputTokens, (long) sum(tokens, Map.of("gen_ai.token.type", "input")), "input tokens");
        assertEquals(outputTokens, (long) sum(tokens, Map.of("gen_ai.token.type", "output")), "output tokens");
        assertEquals(4L * rounds, count(tokens, Map.of("gen_ai.token.type", "input")), "3 chats and 1 embedding");
        assertEquals(3L * rounds, count(tokens, Map.of("gen_ai.token.type", "output")), "3 chats");
    }

    private static void assertHistogram(List<Point> points, String unit, List<Double> bounds,
                                        AggregationTemporality temporality) {
        assertFalse(points.isEmpty(), "no points");
        for (Point p : points) {
            assertEquals(unit, p.unit(), p.metric());
            assertEquals(bounds, p.bounds(), p.metric() + " bucket boundaries");
            assertEquals(temporality, p.temporality(), p.metric());
            assertEquals(p.count(), p.buckets().stream().mapToLong(Long::longValue).sum(), p.metric());
        }
    }

    private static String spanOfExemplar(List<ExportMetricsServiceRequest> pushes, String metric) {
        return OtlpMetricPoints.of(pushes, metric).stream().flatMap(p -> p.exemplars().stream())
                .map(e -> HexFormat.of().formatHex(e.getSpanId().toByteArray())).findFirst().orElseThrow();
    }

    private static String chat(String model, boolean stream) {
        return """
                {"model": "%s", "stream": %s,%s "messages": [{"role": "user", "content": "hello"}]}""".formatted(
                model, stream, stream ? " \"stream_options\": {\"include_usage\": true}," : "");
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
