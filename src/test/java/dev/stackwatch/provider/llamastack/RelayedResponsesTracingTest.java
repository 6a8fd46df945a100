package dev.stackwatch.provider.llamastack;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Relayed requests in traces: the server span names the route template (http.route), and a relayed streamed
 * POST /v1/responses gets the GenAI child span (usage, first-token event) whose context the distribution receives.
 */
class RelayedResponsesTracingTest {
    private static final String TRACE_ID = "5af92f3577b34da6a3ce929d0e0e4737";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b8";

    @Test
    void relayedRoutesAndResponsesAreTracedUnderTheirTemplates() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
             SimulatorUpstream upstream = SimulatorUpstream.start("{distribution: true, ttft_ms: 5, inter_token_ms: 1}");
             StackwatchServer server = TestServers.startAndAwait(TestServers.config(TestServers.inFrontOfDistribution(upstream.port(), "")), TelemetrySettings.fromEnv(Map.of(
                     "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "50")));
             HttpCalls http = new HttpCalls()) {
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> res = http.send(base + "/v1/responses",
                    "{\"model\": \"sim-chat\", \"stream\": true, \"input\": \"hello\"}",
                    "traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
            assertEquals(200, res.statusCode(), res.body());
            assertTrue(res.body().contains("event: response.completed"), res.body());

            List<Received> trace = Polling.awaitValue(Duration.ofSeconds(10), "server and GenAI spans", () -> {
                List<Received> spans = receiver.trace(TRACE_ID);
                return spans.size() >= 2 ? spans : null;
            });
            Received serverSpan = named(trace, "POST /v1/responses");
            assertEquals("/v1/responses", serverSpan.attributes().get("http.route"));
            Received genAi = named(trace, "chat sim-chat");
            assertEquals(SpanKind.SPAN_KIND_CLIENT, genAi.span().getKind());
            assertEquals(serverSpan.spanId(), genAi.parentSpanId());
            assertEquals("llama-stack", genAi.attributes().get("gen_ai.provider.name"));
            assertTrue(Integer.parseInt(genAi.attributes().get("gen_ai.usage.output_tokens")) > 0, genAi.attributes().toString());
            assertEquals(1, genAi.span().getEventsList().stream().filter(e -> e.getName().equals("gen_ai.first_token"))
                    .count(), "one first-token event");
            String sent = upstream.inferenceRequests(null).stream().filter(s -> s.path().equals("/v1/responses"))
                    .findFirst().orElseThrow().traceparent();
            assertEquals("00-" + TRACE_ID + "-" + genAi.spanId() + "-01", sent,
                    "the distribution's spans become children of the GenAI span");

            String vectorStoresTrace = "6af92f3577b34da6a3ce929d0e0e4738";
            assertEquals(404, http.send(base + "/v1/vector_stores/vs_missing", null,
                    "traceparent", "00-" + vectorStoresTrace + "-" + CLIENT_SPAN_ID + "-01").statusCode());
            Received relayed = Polling.awaitValue(Duration.ofSeconds(10), "relayed span",
                    () -> receiver.trace(vectorStoresTrace).stream().findFirst().orElse(null));
            assertEquals("GET /v1/vector_stores/{vector_store_id}", relayed.name());
            assertEquals("/v1/vector_stores/{vector_store_id}", relayed.attributes().get("http.route"));
        }
    }

    private static Received named(List<Received> spans, String name) {
        return spans.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span '" + name + "' in "
                        + spans.stream().map(Received::name).toList()));
    }
}
