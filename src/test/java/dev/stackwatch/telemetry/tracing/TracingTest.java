package dev.stackwatch.telemetry.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.OtlpReceiver.Received;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.SimulatorUpstream;
import dev.stackwatch.testing.TestServers;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real server exporting to a real OTLP/HTTP receiver: span structure, GenAI attributes, propagation. */
class TracingTest {
    /** The fast simulator plus a model whose every call fails. */
    static final String CONFIG = TestServers.FAST_SIMULATOR
            + "  - {model_id: sim-broken, provider_id: simulator, model_type: llm, metadata: {error_rate: 1.0}}\n";
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";

    private final OtlpReceiver receiver = new OtlpReceiver();
    private final HttpCalls http = new HttpCalls();
    private StackwatchServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        receiver.close();
    }

    private String start(Map<String, String> extraEnv) {
        return start(CONFIG, extraEnv);
    }

    private String start(String config, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                "OTEL_BSP_SCHEDULE_DELAY", "50",
                "OTEL_SERVICE_NAME", "stackwatch-test"));
        env.putAll(extraEnv);
        server = TestServers.startAndAwait(TestServers.config(config), TelemetrySettings.fromEnv(env));
        return "http://127.0.0.1:" + server.port();
    }

    private List<Received> awaitTrace(String traceId, int spans) {
        return Polling.awaitValue(Duration.ofSeconds(10), spans + " spans of trace " + traceId, () -> {
            List<Received> trace = receiver.trace(traceId);
            return trace.size() >= spans ? trace : null;
        });
    }

    private static Received named(List<Received> spans, String name) {
        return spans.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + name + "' in " + spans.stream().map(Received::name)
                        .toList()));
    }

    @Test
    void streamedChatIsAServerSpanUnderTheClientsParentWithAGenAiChildSpan() {
        String base = start(Map.of());
        HttpResponse<String> res = http.send(base + "/v1/chat/completions", """
                {"model": "sim-chat", "stream": true, "max_tokens": 12, "temperature": 0.5, "top_p": 0.9,
                 "messages": [{"role": "user", "content": "hello"}]}""",
                "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(Optional.of(TRACE_ID), res.headers().firstValue("x-trace-id"));

        List<Received> trace = awaitTrace(TRACE_ID, 2);
        Received serverSpan = named(trace, "POST /v1/chat/completions");
        assertEquals(SpanKind.SPAN_KIND_SERVER, serverSpan.span().getKind());
        assertEquals(CLIENT_SPAN_ID, serverSpan.parentSpanId(), "the client's traceparent is the parent");
        Map<String, String> http = serverSpan.attributes();
        assertEquals("POST", http.get("http.request.method"));
        assertEquals("/v1/chat/completions", http.get("http.route"));
        assertEquals("200", http.get("http.response.status_code"));
        assertEquals("stackwatch-test", serverSpan.resource().get("service.name"));

        Received chat = named(trace, "chat sim-chat");
        assertEquals(SpanKind.SPAN_KIND_CLIENT, chat.span().getKind());
        assertEquals(serverSpan.spanId(), chat.parentSpanId(), "the provider call is a child of the server span");
        Map<String, String> genAi = chat.attributes();
        assertEquals("chat", genAi.get("gen_ai.operation.name"));
        assertEquals("simulator", genAi.get("gen_ai.provider.name"));
        assertEquals("sim-chat", genAi.get("gen_ai.request.model"));
        assertEquals("12", genAi.get("gen_ai.request.max_tokens"));
        assertEquals("0.5", genAi.get("gen_ai.request.temperature"));
        assertEquals("0.9", genAi.get("gen_ai.request.top_p"));
        assertTrue(List.of("[stop]", "[length]").contains(genAi.get("gen_ai.response.finish_reasons")), genAi.toString());
        assertTrue(Integer.parseInt(genAi.get("gen_ai.usage.input_tokens")) > 0);
        assertTrue(Integer.parseInt(genAi.get("gen_ai.usage.output_tokens")) > 0);
        assertEquals(1, chat.span().getEventsList().stream().filter(e -> e.getName().equals("gen_ai.first_token"))
                .count(), "exactly one first-token event");
        long firstToken = chat.span().getEvents(0).getTimeUnixNano();
        assertTrue(firstToken >= chat.span().getStartTimeUnixNano() && firstToken <= chat.span().getEndTimeUnixNano());
    }

    @Test
    void theServerSpanNamesTheApiKeyButNeverCarriesTheToken() {
        String token = "span-token-0123456789abcdef";
        String base = start(CONFIG + "server:\n  auth: {api_keys: [{name: batch-jobs, token: " + token + "}]}\n",
                Map.of());
        HttpResponse<String> res = http.send(base + "/v1/models", null, "Authorization", "Bearer " + token,
                "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
        assertEquals(200, res.statusCode(), res.body());
        Received serverSpan = named(awaitTrace(TRACE_ID, 1), "GET /v1/models");
        assertEquals("batch-jobs", serverSpan.attributes().get("stackwatch.api_key.name"));
        assertTrue(serverSpan.attributes().values().stream().noneMatch(v -> v.contains(token)),
                serverSpan.attributes().toString());
    }

    @Test
    void metricExemplarsCarryTheTraceIdOfTheSampledRequest() {
        String base = start(Map.of());
        HttpResponse<String> res = http.send(base + "/v1/chat/completions", """
                {"model": "sim-chat", "stream": true, "messages": [{"role": "user", "content": "hello"}]}""",
                "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
        assertEquals(200, res.statusCode(), res.body());
        String metrics = http.send("http://127.0.0.1:" + server.managementPort() + "/metrics", null,
                "Accept", "application/openmetrics-text; version=1.0.0").body();
        List<String> exemplars = metrics.lines().filter(l -> l.contains("trace_id=\"" + TRACE_ID + "\"")).toList();
        assertFalse(exemplars.isEmpty(), "no exemplar with the request's trace id in:\n" + metrics);
        // Both layers: the HTTP filter records inside the server span, the provider observer inside the GenAI span.
        List<String> spanIds = awaitTrace(TRACE_ID, 2).stream().map(Received::spanId).toList();
        assertTrue(exemplars.stream().allMatch(l -> spanIds.stream().anyMatch(id -> l.contains("span_id=\"" + id + "\""))),
                exemplars.toString());
    }

    @Test
    void completionsEmbeddingsAndProviderFailuresFollowGenAiConventions() {
        String base = start(Map.of("OTEL_TRACES_SAMPLER", "always_on"));
        HttpResponse<String> completion = http.send(base + "/v1/completions",
                "{\"model\": \"sim-chat\", \"prompt\": \"once upon\"}");
        HttpResponse<String> embedding = http.send(base + "/v1/embeddings",
                "{\"model\": \"sim-embed\", \"input\": [\"a\", \"b\"]}");
        HttpResponse<String> broken = http.send(base + "/v1/chat/completions",
                "{\"model\": \"sim-broken\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        Received text = named(awaitTrace(completion.headers().firstValue("x-trace-id").orElseThrow(), 2),
                "text_completion sim-chat");
        assertEquals("text_completion", text.attributes().get("gen_ai.operation.name"));
        assertTrue(text.span().getEventsList().isEmpty(), "no first-token event without a stream");

        Received embed = named(awaitTrace(embedding.headers().firstValue("x-trace-id").orElseThrow(), 2),
                "embeddings sim-embed");
        assertEquals("embeddings", embed.attributes().get("gen_ai.operation.name"));
        assertTrue(Integer.parseInt(embed.attributes().get("gen_ai.usage.input_tokens")) > 0);

        assertTrue(broken.statusCode() >= 500, broken.body());
        List<Received> failed = awaitTrace(broken.headers().firstValue("x-trace-id").orElseThrow(), 2);
        Received failedCall = named(failed, "chat sim-broken");
        assertFalse(failedCall.attributes().getOrDefault("error.type", "").isEmpty(), failedCall.attributes().toString());
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
                failedCall.span().getStatus().getCode());
        Received failedRequest = named(failed, "POST /v1/chat/completions");
        assertEquals(String.valueOf(broken.statusCode()), failedRequest.attributes().get("error.type"));
    }

    @Test
    void aRemoteProvidersUpstreamGetsTheGenAiSpanAsParent() {
        try (SimulatorUpstream upstream = SimulatorUpstream.start("{ttft_ms: 0, inter_token_ms: 0, jitter: 0}")) {
            Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                    "OTEL_BSP_SCHEDULE_DELAY", "50");
            server = TestServers.startAndAwait(TestServers.config("""
                    version: 2
                    providers:
                      inference:
                      - provider_id: openai
                        provider_type: remote::openai
                        config: {base_url: "%s", api_key: sk-test}
                    registered_resources:
                      models:
                      - {model_id: gpt, provider_id: openai, provider_model_id: sim-chat, model_type: llm}
                    """.formatted(upstream.baseUrl())), TelemetrySettings.fromEnv(env));
            HttpResponse<String> res = http.send("http://127.0.0.1:" + server.port() + "/v1/chat/completions",
                    "{\"model\": \"gpt\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
                    "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
            assertEquals(200, res.statusCode(), res.body());
            Received call = named(awaitTrace(TRACE_ID, 2), "chat gpt");
            assertEquals("openai", call.attributes().get("gen_ai.provider.name"));
            List<SimulatorUpstream.Seen> sent = upstream.inferenceRequests(null);
            assertEquals(1, sent.size(), sent.toString());
            assertEquals("00-" + TRACE_ID + "-" + call.spanId() + "-01", sent.getFirst().traceparent(),
                    "the upstream's parent is the GenAI span, not the client's span");
        }
    }

    @Test
    void ratioSamplingExportsABinomialShareOfRootTraces() {
        String base = start(Map.of()); // the default: parentbased_traceidratio at 0.1
        int requests = 1000;
        for (int i = 0; i < requests; i++) {
            assertEquals(200, http.send(base + "/v1/models", null).statusCode());
        }
        server.close(); // flushes every buffered span
        server = null;
        long traces = receiver.spans().stream().map(Received::traceId).distinct().count();
        // Binomial(1000, 0.1): mean 100, sigma 9.5; 4.5 sigma either side fails a correct sampler once in ~150,000 runs.
        assertTrue(traces >= 57 && traces <= 143, "expected about 100 sampled traces of 1000, got " + traces);
    }

    @Test
    void aParentsSampledFlagOverridesTheRatio() {
        String base = start(Map.of("OTEL_TRACES_SAMPLER_ARG", "0.0"));
        for (int i = 0; i < 20; i++) {
            String traceId = "%032x".formatted(i + 1);
            HttpResponse<String> sampled = http.send(base + "/v1/models", null,
                    "traceparent", "00-" + traceId + "-" + CLIENT_SPAN_ID + "-01");
            assertEquals(Optional.of(traceId), sampled.headers().firstValue("x-trace-id"));
            HttpResponse<String> unsampled = http.send(base + "/v1/models", null,
                    "traceparent", "00-" + "%032x".formatted(i + 1001) + "-" + CLIENT_SPAN_ID + "-00");
            assertEquals(Optional.of("%032x".formatted(i + 1001)), unsampled.headers().firstValue("x-trace-id"),
                    "the caller's trace id joins logs even when no span is exported");
        }
        server.close();
        server = null;
        List<String> exported = receiver.spans().stream().map(Received::traceId).distinct().sorted().toList();
        assertEquals(20, exported.size(), "every sampled parent is followed, every unsampled one is not: " + exported);
        assertTrue(exported.stream().allMatch(id -> Long.parseLong(id.substring(16), 16) <= 20), exported.toString());
    }

    @Test
    void withoutAnEndpointTracingIsOff() {
        assertEquals(Optional.empty(), TracingSettings.fromEnv(Map.of()));
        assertEquals(Optional.empty(), TracingSettings.fromEnv(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                "OTEL_SDK_DISABLED", "true")));
        server = TestServers.startAndAwait(TestServers.config(CONFIG), TelemetrySettings.fromEnv(Map.of()));
        HttpResponse<String> res = http.send("http://127.0.0.1:" + server.port() + "/v1/models", null,
                "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
        assertEquals(200, res.statusCode());
        assertEquals(Optional.of(TRACE_ID), res.headers().firstValue("x-trace-id"), "the caller's trace, not exported");
        HttpResponse<String> untraced = http.send("http://127.0.0.1:" + server.port() + "/v1/models", null);
        assertEquals(Optional.empty(), untraced.headers().firstValue("x-trace-id"), "no caller trace, no id");
    }
}
