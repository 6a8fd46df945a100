package dev.stackwatch.api;

import static dev.stackwatch.testing.LogEvents.keyValue;
import static dev.stackwatch.testing.Scrape.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.ClientThatLeaves;
import dev.stackwatch.testing.LogCapture;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A client that hangs up while its whole (non-streamed) answer is being generated: the generation stops, and the
 * request is counted and logged once as 499, like a client that left before any response byte. The watch that notices
 * it must leave keep-alive and pipelined requests on the same connection answered, in order.
 */
class ClientLeftMidGenerationTest {
    /** 400 tokens 50 ms apart: 20 s for the whole answer, far longer than any wait below. */
    private static final String SLOW = "{ttft_ms: 5, inter_token_ms: 50, jitter: 0, min_tokens: 400, max_tokens: 400}";
    private static final String MODELS = """
            version: 2
            providers:
              inference:
              - provider_id: simulator
                provider_type: inline::simulator
                config: {ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 8, max_tokens: 24}
            registered_resources:
              models:
              - {model_id: sim-chat, provider_id: simulator, model_type: llm}
              - {model_id: sim-slow, provider_id: simulator, model_type: llm,
                 metadata: {inter_token_ms: 50, min_tokens: 400, max_tokens: 400}}
              - {model_id: sim-mid, provider_id: simulator, model_type: llm,
                 metadata: {inter_token_ms: 30, min_tokens: 10, max_tokens: 10}}
            """;
    private static final Duration WELL_BEFORE_THE_END = Duration.ofSeconds(8);
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");
    private static final Pattern COMPLETION_TOKENS = Pattern.compile("\"completion_tokens\":(\\d+)");
    private static final String CHAT = "/v1/chat/completions";

    private final LogCapture access = new LogCapture();
    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void capture() {
        access.start();
        ((Logger) LoggerFactory.getLogger("stackwatch.access")).addAppender(access);
    }

    @AfterEach
    void release() throws Exception {
        ((Logger) LoggerFactory.getLogger("stackwatch.access")).detachAppender(access);
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    @Test
    void aClientThatLeavesMidGenerationStopsItAndIsCounted499() throws IOException {
        StackwatchServer server = started(MODELS);
        Scrape before = Scrape.of(server.managementPort());
        int mark = access.size();

        hangUpMidGeneration(server, chat("sim-slow", 400), () -> inFlight(server) == 1);

        Polling.await(WELL_BEFORE_THE_END, "the generation to stop once its client left",
                () -> inFlight(server) == 0);
        Scrape after = Polling.awaitValue(Duration.ofSeconds(5), "the request to be counted", () -> {
            Scrape s = Scrape.of(server.managementPort());
            return delta(before, s, "llamastack_requests_total", Map.of("endpoint", CHAT)) >= 1 ? s : null;
        });
        assertEquals(1, delta(before, after, "llamastack_requests_total", Map.of("endpoint", CHAT, "status", "499")));
        assertEquals(0, delta(before, after, "llamastack_requests_total", Map.of("status", "200")));
        assertEquals(1, delta(before, after, "llamastack_request_duration_seconds_count", Map.of("endpoint", CHAT)));
        assertEquals(1, delta(before, after, "llamastack_inference_requests_total",
                Map.of("model", "sim-slow", "outcome", "cancelled")), "the provider call was cancelled");
        assertEquals(0, delta(before, after, "llamastack_tokens_total", Map.of("model", "sim-slow", "type", "output")));
        assertEquals(0, delta(before, after, "llamastack_provider_errors_total", Map.of()));
        List<ILoggingEvent> lines = Polling.awaitValue(Duration.ofSeconds(5), "the access line",
                () -> access.size() > mark ? access.since(mark) : null);
        assertEquals(List.of("499 " + CHAT),
                lines.stream().map(e -> keyValue(e, "status") + " " + keyValue(e, "endpoint")).toList());
    }

    @Test
    void aRemoteProvidersUpstreamCallIsCancelledWhenTheClientLeaves() throws IOException {
        StackwatchServer upstream = started(TestServers.FAST_SIMULATOR.replace(
                "{ttft_ms: 5, inter_token_ms: 1, jitter: 0, min_tokens: 8, max_tokens: 24}", SLOW));
        StackwatchServer server = started("""
                version: 2
                providers:
                  inference:
                  - provider_id: remote
                    provider_type: remote::openai
                    config: {base_url: "http://127.0.0.1:%d/v1", first_byte_timeout_ms: 60000,
                             idle_timeout_ms: 60000, max_retries: 0, circuit_failure_threshold: 1}
                registered_resources:
                  models:
                  - {model_id: sim-chat, provider_id: remote, model_type: llm}
                """.formatted(upstream.port()));
        Scrape upstreamBefore = Scrape.of(upstream.managementPort());
        Scrape before = Scrape.of(server.managementPort());

        hangUpMidGeneration(server, chat("sim-chat", 400), () -> inFlight(upstream) == 1);

        Polling.await(WELL_BEFORE_THE_END, "the upstream call to be cancelled",
                () -> inFlight(upstream) == 0 && inFlight(server) == 0);
        Scrape upstreamAfter = Polling.awaitValue(Duration.ofSeconds(5), "the upstream to count its client leaving",
                () -> {
                    Scrape s = Scrape.of(upstream.managementPort());
                    return delta(upstreamBefore, s, "llamastack_requests_total", Map.of("endpoint", CHAT)) >= 1
                            ? s : null;
                });
        assertEquals(1, delta(upstreamBefore, upstreamAfter, "llamastack_requests_total",
                Map.of("endpoint", CHAT, "status", "499")), "the upstream saw its client (Stackwatch) leave");
        Scrape after = Polling.awaitValue(Duration.ofSeconds(5), "the request to be counted", () -> {
            Scrape s = Scrape.of(server.managementPort());
            return delta(before, s, "llamastack_requests_total", Map.of("endpoint", CHAT)) >= 1 ? s : null;
        });
        assertEquals(1, delta(before, after, "llamastack_requests_total", Map.of("endpoint", CHAT, "status", "499")));
        assertEquals(1, delta(before, after, "llamastack_requests_total", Map.of()));
        assertEquals(1, delta(before, after, "llamastack_inference_requests_total", Map.of("outcome", "cancelled")));
        assertEquals(0, delta(before, after, "llamastack_provider_errors_total", Map.of()),
                "a cancelled call is no upstream failure");
        // Nor does it count against the circuit: with a threshold of one failure, the next call still goes through.
        assertEquals(List.of("200 2"), exchange(server, chat("sim-chat", 2), 1, null));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhileTheFirstIsGenerated() throws IOException {
        StackwatchServer server = started(MODELS);
        // Both at once: the second waits in the server's buffer while the first is generated.
        assertEquals(List.of("200 10", "200 3"), exchange(server, chat("sim-mid", 10) + chat("sim-chat", 3), 2,
                null));
        // The second written mid-generation: the watch's read is what receives it.
        assertEquals(List.of("200 10", "200 3", "200 2"), exchange(server, chat("sim-mid", 10), 3,
                () -> chat("sim-chat", 3) + chat("sim-chat", 2)));
    }

    @Test
    void keepAliveRequestsFollowOneAnotherOnOneConnection() throws IOException {
        StackwatchServer server = started(MODELS);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            for (int tokens : new int[] {4, 3, 2}) {
                socket.getOutputStream().write(chat("sim-mid", tokens).getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertEquals(List.of("200 " + tokens), responses(socket.getInputStream(), 1));
            }
        }
    }

    @Test
    void embeddingsWhoseClientLeftAreCounted499() throws IOException {
        StackwatchServer server = started(MODELS + "  - {model_id: sim-embed, provider_id: simulator, "
                + "model_type: embedding, metadata: {embedding_dimension: 8, ttft_ms: 20000}}\n");
        Scrape before = Scrape.of(server.managementPort());
        String body = "{\"model\":\"sim-embed\",\"input\":\"hi\"}";
        hangUpMidGeneration(server, "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body, () -> inFlight(server) == 1);
        Polling.await(WELL_BEFORE_THE_END, "the embedding call to stop", () -> inFlight(server) == 0);
        Polling.await(Duration.ofSeconds(5), "the 499 to be counted", () -> delta(before,
                Scrape.of(server.managementPort()), "llamastack_requests_total",
                Map.of("endpoint", "/v1/embeddings", "status", "499")) == 1);
    }

    @Test
    void aResponsesCallWhoseClientLeftIsCounted499() throws IOException {
        StackwatchServer server = started(MODELS.replace("config: {ttft_ms: 5,", "config: {distribution: true, ttft_ms: 5,"));
        Scrape before = Scrape.of(server.managementPort());
        String body = "{\"model\":\"sim-slow\",\"input\":\"hi\"}";
        hangUpMidGeneration(server, "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body, () -> inFlight(server) == 1);
        Polling.await(WELL_BEFORE_THE_END, "the generation to stop", () -> inFlight(server) == 0);
        Scrape after = Polling.awaitValue(Duration.ofSeconds(5), "the 499 to be counted", () -> {
            Scrape s = Scrape.of(server.managementPort());
            return delta(before, s, "llamastack_requests_total", Map.of("status", "499")) >= 1 ? s : null;
        });
        assertEquals(1, delta(before, after, "llamastack_requests_total", Map.of()));
        assertEquals(1, delta(before, after, "llamastack_inference_requests_total",
                Map.of("model", "sim-slow", "outcome", "cancelled")));
    }

    @Test
    void anIdleConnectionAfterAWatchedRequestIsStillClosedByTheReadTimeout() throws IOException {
        StackwatchServer server = started(MODELS + """
                server:
                  limits: {read_timeout_ms: 1000}
                """);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(chat("sim-mid", 4).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            assertEquals(List.of("200 4"), responses(in, 1));
            // The watch's read is still waiting for this client's next request; the idle check must still end it.
            assertEquals(-1, in.read(), "closed by the server, not answered");
        }
        Polling.await(Duration.ofSeconds(10), "the closed connection to leave the gauge", () ->
                Scrape.of(server.managementPort()).sum("llamastack_active_connections") == 0);
    }

    private StackwatchServer started(String yaml) {
        StackwatchServer server = TestServers.start(yaml);
        servers.add(server);
        return server;
    }

    /** Sends the request, waits until {@code generating}, then closes the socket without reading a byte. */
    private static void hangUpMidGeneration(StackwatchServer server, String request, BooleanSupplier generating)
            throws IOException {
        assertEquals("", ClientThatLeaves.leaveWhile(server.port(), request, generating), "nothing answered yet");
    }

    /**
     * Writes {@code first}, and once the server generates writes what {@code then} gives (if any); returns each
     * response's status and completion token count, in the order they came.
     */
    private static List<String> exchange(StackwatchServer server, String first, int expected,
                                         Supplier<String> then) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(first.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (then != null) {
                Polling.await(Duration.ofSeconds(10), "the first to be generated", () -> inFlight(server) == 1);
                out.write(then.get().getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            return responses(socket.getInputStream(), expected);
        }
    }

    /** Reads {@code count} responses by their Content-Length: "status completion_tokens" each. */
    private static List<String> responses(InputStream in, int count) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        List<String> seen = new ArrayList<>();
        int at = 0;
        byte[] buffer = new byte[8192];
        while (seen.size() < count) {
            String text = got.toString(StandardCharsets.ISO_8859_1);
            int headersEnd = text.indexOf("\r\n\r\n", at);
            if (headersEnd >= 0) {
                Matcher length = CONTENT_LENGTH.matcher(text.substring(at, headersEnd));
                assertTrue(length.find(), "a whole answer has a Content-Length: " + text.substring(at));
                int end = headersEnd + 4 + Integer.parseInt(length.group(1));
                if (text.length() >= end) {
                    Matcher status = STATUS_LINE.matcher(text).region(at, end);
                    assertTrue(status.lookingAt(), "a response at byte " + at + ": " + text.substring(at));
                    Matcher tokens = COMPLETION_TOKENS.matcher(text.substring(headersEnd, end));
                    seen.add(status.group(1) + " " + (tokens.find() ? tokens.group(1) : "?"));
                    at = end;
                    continue;
                }
            }
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("closed after " + seen + ": " + text.substring(at));
            }
            got.write(buffer, 0, n);
        }
        return seen;
    }

    private static String chat(String model, int maxTokens) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return "POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    private static double inFlight(StackwatchServer server) {
        return Scrape.of(server.managementPort()).sum("llamastack_requests_in_flight");
    }
}
