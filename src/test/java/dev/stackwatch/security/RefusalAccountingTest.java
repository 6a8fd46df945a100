package dev.stackwatch.security;

import static dev.stackwatch.testing.LogEvents.keyValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.stackwatch.testing.LogCapture;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.ClientThatLeaves;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Every refusal and framing case, sent as raw bytes on a real socket: what the client got (status lines, or nothing)
 * must agree exactly, case by case, with the change in {@code llamastack_requests_total} and with the access log.
 */
class RefusalAccountingTest {
    private static final String TOKEN = "edge-token-0123456789abcdef";
    private static final String AUTH = "Authorization: Bearer " + TOKEN + "\r\n";
    private static final String CHAT = "{\"model\":\"sim-chat\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";
    /** 400 tokens 50 ms apart: 20 s to generate, which the client does not wait for. */
    private static final String SLOW_CHAT = "{\"model\":\"sim-slow\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";
    /** Request-body text that must never reach a log line. */
    private static final String BODY_SECRET = "body-secret-7f3a";
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

    private static RunningServer server;
    private static LogCapture access;
    private static LogCapture all;

    @BeforeAll
    static void start() {
        access = attach("stackwatch.access");
        all = attach(org.slf4j.Logger.ROOT_LOGGER_NAME);
        server = RunningServer.start(TestServers.FAST_SIMULATOR + """
                  - {model_id: sim-slow, provider_id: simulator, model_type: llm,
                     metadata: {inter_token_ms: 50, min_tokens: 400, max_tokens: 400}}
                server:
                  max_request_body_bytes: 65536
                  auth: {api_keys: [{name: ops, token: %s}]}
                  cors: {allowed_origins: [https://good.example]}
                  limits: {read_timeout_ms: 1000, max_header_bytes: 4096}
                """.formatted(TOKEN));
    }

    @AfterAll
    static void stop() {
        server.close();
        detach("stackwatch.access", access);
        detach(org.slf4j.Logger.ROOT_LOGGER_NAME, all);
    }

    /**
     * name, raw request, statuses the client must receive in order, the status counted for a request abandoned
     * without an answer (0: none), and the endpoint label every counted request must carry.
     */
    static Stream<Arguments> cases() {
        String chatHead = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + AUTH
                + "Content-Type: application/json\r\n";
        return Stream.of(
                Arguments.of("no API key", "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n", List.of(401), 0,
                        "/v1/models"),
                Arguments.of("wrong API key", "GET /v1/models HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Bearer wrong-0123456789abcdef\r\n\r\n", List.of(401), 0, "/v1/models"),
                Arguments.of("CORS preflight from a foreign origin", "OPTIONS /v1/chat/completions HTTP/1.1\r\n"
                        + "Host: x\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n\r\n",
                        List.of(403), 0, "/v1/chat/completions"),
                Arguments.of("served", "GET /v1/models HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n", List.of(200), 0,
                        "/v1/models"),
                Arguments.of("refused for its body", chatHead + "Content-Length: 2\r\n\r\n{}", List.of(400), 0,
                        "/v1/chat/completions"),
                Arguments.of("unknown route", "GET /v1/nope HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n", List.of(404),
                        0, "other"),
                Arguments.of("Connection: close, then a pipelined request", "GET /v1/models HTTP/1.1\r\nHost: x\r\n"
                        + AUTH + "Connection: close\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n",
                        List.of(200), 0, "/v1/models"),
                Arguments.of("413 by Content-Length, a request smuggled in the body", chatHead
                        + "Content-Length: 100000\r\n\r\nGET /v1/models/SMUGGLED HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + "\r\n", List.of(413), 0, "/v1/chat/completions"),
                Arguments.of("401 before a body, a request smuggled in the body", "POST /v1/chat/completions "
                        + "HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n"
                        + AUTH + "\r\n", List.of(401), 0, "/v1/chat/completions"),
                Arguments.of("bad chunk size", chatHead + "Transfer-Encoding: chunked\r\n\r\nzz" + BODY_SECRET
                        + "\r\n" + BODY_SECRET + "\r\n0\r\n\r\n", List.of(400), 0, "/v1/chat/completions"),
                Arguments.of("client leaves while its whole answer is generated", chatHead + "Content-Length: "
                        + SLOW_CHAT.length() + "\r\n\r\n" + SLOW_CHAT, List.of(), 499, "/v1/chat/completions"),
                Arguments.of("client leaves mid-body", chatHead + "Content-Length: 1000\r\n\r\n{\"model\":", List.of(),
                        499, "/v1/chat/completions"),
                Arguments.of("body never arrives", chatHead + "Content-Length: 1000\r\n\r\n{\"model\":", List.of(),
                        408, "/v1/chat/completions"),
                Arguments.of("headers never finish", "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Slow: a", List.of(),
                        408, "other"),
                Arguments.of("duplicate Content-Length", chatHead + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                        List.of(400), 0, "other"),
                Arguments.of("negative Content-Length", chatHead + "Content-Length: -1\r\n\r\n", List.of(400), 0,
                        "other"),
                Arguments.of("Content-Length with Transfer-Encoding", chatHead + "Content-Length: 2\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", List.of(400), 0, "other"),
                Arguments.of("NUL in a header", "GET /v1/models HTTP/1.1\r\nHost: x\r\n" + AUTH + "X-A: a\0b\r\n\r\n",
                        List.of(400), 0, "other"),
                Arguments.of("headers over max_header_bytes", "GET /v1/models HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + "X-Pad: " + "p".repeat(8000) + "\r\n\r\n", List.of(431), 0, "other"),
                Arguments.of("100 KB request line", "GET /v1/models?q=" + "a".repeat(100_000) + " HTTP/1.1\r\n"
                        + "Host: x\r\n" + AUTH + "\r\n", List.of(414), 0, "other"),
                Arguments.of("HTTP/1.0", "GET /v1/health HTTP/1.0\r\n\r\n", List.of(505), 0, "other"),
                Arguments.of("garbage request line", "NONSENSE\r\n\r\n", List.of(400), 0, "other"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void whatTheClientGotIsWhatIsCountedAndLogged(String name, String request, List<Integer> answered, int abandoned,
                                                  String endpoint) throws IOException {
        check(server, name, request, answered, abandoned, endpoint);
    }

    @Test
    void rateLimitRefusalsAreCountedAs429ByReason() throws IOException {
        try (RunningServer limited = RunningServer.start(TestServers.FAST_SIMULATOR + """
                server:
                  limits: {requests_per_second: 1, burst: 1}
                """)) {
            double before = limited.scrape().sum("llamastack_limit_refusals_total",
                    Map.of("reason", "rate_limit"));
            String get = "GET /v1/models HTTP/1.1\r\nHost: x\r\n";
            check(limited, "burst of 1, then a second request", get + "\r\n" + get + "Connection: close\r\n\r\n",
                    List.of(200, 429), 0, "/v1/models");
            assertEquals(before + 1, limited.scrape().sum("llamastack_limit_refusals_total",
                    Map.of("reason", "rate_limit")));
        }
    }

    @Test
    void aStalledBodyHoldsNoConcurrencySlotAndA503IsCounted() throws Exception {
        try (RunningServer capped = RunningServer.start("""
                version: 2
                providers:
                  inference:
                  - provider_id: simulator
                    provider_type: inline::simulator
                    config: {ttft_ms: 5, inter_token_ms: 100, jitter: 0, min_tokens: 50, max_tokens: 50}
                registered_resources:
                  models:
                  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
                server:
                  limits: {max_concurrent_streams: 1, read_timeout_ms: 30000}
                """);
             Socket stalled = new Socket("127.0.0.1", capped.port())) {
            stalled.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            String stream = "{\"model\":\"sim-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}";
            // Headers arrive with the first token: from then on this stream holds the one slot.
            HttpResponse<InputStream> holder = capped.api().send(capped.api().request("/v1/chat/completions")
                    .POST(HttpRequest.BodyPublishers.ofString(stream)), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, holder.statusCode(), "a stalled body must not hold the only slot");
            try (InputStream rest = holder.body()) {
                assertRefusedWhileHeld(capped);
                assertTrue(new String(rest.readAllBytes(), StandardCharsets.UTF_8).endsWith("data: [DONE]\n\n"));
            }
        }
    }

    private static void assertRefusedWhileHeld(RunningServer capped) throws IOException {
        {
            double before = capped.scrape().sum("llamastack_limit_refusals_total",
                    Map.of("reason", "concurrent_requests"));
            check(capped, "over max_concurrent_streams", "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT, List.of(503), 0,
                    "/v1/chat/completions");
            assertEquals(before + 1, capped.scrape().sum("llamastack_limit_refusals_total",
                    Map.of("reason", "concurrent_requests")));
        }
    }

    @Test
    void silentSocketsAreCountedWhileOpenAndClosedAfterTheReadTimeout() throws Exception {
        try (RunningServer quiet = RunningServer.start(TestServers.FAST_SIMULATOR + """
                server:
                  limits: {read_timeout_ms: 3000, max_connections: 2}
                """);
             Socket first = new Socket("127.0.0.1", quiet.port());
             Socket second = new Socket("127.0.0.1", quiet.port())) {
            Polling.await(Duration.ofSeconds(10), "the silent sockets to be counted", () ->
                    quiet.scrape().sum("llamastack_active_connections") == 2);
            // Both of max_connections are taken: this client is served once the silent ones are closed.
            HttpResponse<String> served = quiet.api().get("/v1/health");
            assertEquals(200, served.statusCode());
            for (Socket silent : List.of(first, second)) {
                silent.setSoTimeout(30_000);
                assertEquals(-1, silent.getInputStream().read(), "closed by the server, unanswered");
            }
            Polling.await(Duration.ofSeconds(10), "the closed sockets to leave the gauge", () ->
                    quiet.scrape().sum("llamastack_active_connections") <= 1);
        }
    }

    static void check(RunningServer server, String name, String request, List<Integer> answered, int abandoned,
                      String endpoint) throws IOException {
        List<Integer> counted = new ArrayList<>(answered);
        if (abandoned != 0) {
            counted.add(abandoned);
        }
        Map<String, Double> expected = new TreeMap<>();
        counted.forEach(s -> expected.merge(s + " " + endpoint, 1.0, Double::sum));

        Map<String, Double> before = requests(server.scrape());
        int logMark = access.size();
        int allMark = all.size();
        String received = abandoned == 499 ? hangUpWhileGenerating(server, request) : exchange(server.port(), request);

        assertEquals(answered, statuses(received), name + ": what the client got: " + received);
        Map<String, Double> delta = Polling.awaitValue(Duration.ofSeconds(10), name + ": counted", () -> {
            Map<String, Double> d = delta(before, requests(server.scrape()));
            return d.values().stream().mapToDouble(Double::doubleValue).sum() >= counted.size() ? d : null;
        });
        assertEquals(expected, delta, name + ": llamastack_requests_total delta");
        List<ILoggingEvent> lines = Polling.awaitValue(Duration.ofSeconds(10), name + ": access lines", () -> {
            List<ILoggingEvent> l = access.since(logMark);
            return l.size() >= counted.size() ? l : null;
        });
        Map<String, Double> logged = new TreeMap<>();
        lines.forEach(e -> logged.merge(keyValue(e, "status") + " " + keyValue(e, "endpoint"), 1.0, Double::sum));
        assertEquals(expected, logged, name + ": access log");
        for (ILoggingEvent e : all.since(allMark)) {
            String text = e.getFormattedMessage() + e.getKeyValuePairs() + (e.getThrowableProxy() == null ? ""
                    : e.getThrowableProxy().getMessage());
            assertFalse(text.contains(BODY_SECRET) || text.contains("SMUGGLED"), name + ": logged " + text);
        }
    }

    /** Writes the request, waits until it is being served, then closes the socket: the client got nothing. */
    static String hangUpWhileGenerating(RunningServer server, String request) throws IOException {
        return ClientThatLeaves.leaveWhile(server.port(), request,
                () -> server.scrape().sum("llamastack_requests_in_flight") >= 1);
    }

    /** Writes the request, then reads until the server closes the connection (idle ones close after 1 s). */
    static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (SocketException closedWhileWriting) {
                // a refusal may close the connection before all of a long request was written
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    got.write(buffer, 0, n);
                }
            } catch (SocketException reset) {
                // closed with unread request bytes: the answer read before the reset stands
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The status of each response in {@code received}, walking them by their Content-Length. */
    static List<Integer> statuses(String received) {
        List<Integer> statuses = new ArrayList<>();
        int at = 0;
        while (at < received.length()) {
            Matcher m = STATUS_LINE.matcher(received).region(at, received.length());
            if (!m.lookingAt()) {
                throw new AssertionError("not a response at byte " + at + ": " + received.substring(at));
            }
            statuses.add(Integer.parseInt(m.group(1)));
            int headersEnd = received.indexOf("\r\n\r\n", at);
            Matcher length = CONTENT_LENGTH.matcher(received.substring(at, headersEnd));
            at = headersEnd + 4 + (length.find() ? Integer.parseInt(length.group(1)) : 0);
        }
        return statuses;
    }

    static Map<String, Double> requests(Scrape scrape) {
        Map<String, Double> counts = new TreeMap<>();
        scrape.samples().stream().filter(s -> s.name().equals("llamastack_requests_total"))
                .forEach(s -> counts.merge(s.labels().get("status") + " " + s.labels().get("endpoint"), s.value(),
                        Double::sum));
        return counts;
    }

    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> d = new TreeMap<>();
        after.forEach((k, v) -> {
            double change = v - before.getOrDefault(k, 0.0);
            if (change != 0) {
                d.put(k, change);
            }
        });
        return d;
    }

    private static LogCapture attach(String logger) {
        LogCapture appender = new LogCapture();
        appender.start();
        ((Logger) LoggerFactory.getLogger(logger)).addAppender(appender);
        return appender;
    }

    private static void detach(String logger, LogCapture appender) {
        ((Logger) LoggerFactory.getLogger(logger)).detachAppender(appender);
    }
}
