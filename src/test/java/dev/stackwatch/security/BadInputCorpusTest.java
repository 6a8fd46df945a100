package dev.stackwatch.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile bodies and hostile pacing over real HTTP: every bad body is a 4xx in the error shape (never a 500), slow
 * clients are disconnected after the read timeout, and meanwhile everyone else is served.
 */
class BadInputCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]%s}";
    private static StackwatchServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.FAST_SIMULATOR + """
                server:
                  limits: {read_timeout_ms: 1000}
                """);
    }

    /**
     * A client per test: the server closes a keep-alive connection idle for read_timeout_ms (1 s here), and a shared
     * client would send the next test's POST on a pooled connection the server had just closed (which it does not
     * retry), a race of the test's making, not the server's.
     */
    @BeforeEach
    void client() {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void closeClient() {
        http.close();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> corpus() {
        byte[] invalidUtf8 = CHAT.formatted("ab", "").getBytes(StandardCharsets.UTF_8);
        invalidUtf8[invalidUtf8.length - 6] = (byte) 0xFF;
        return Stream.of(
                Arguments.of("truncated", bytes("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"us"), 400),
                Arguments.of("truncated escape", bytes("{\"model\":\"sim-\\u00"), 400),
                Arguments.of("trailing garbage", bytes(CHAT.formatted("hi", "") + "}{"), 400),
                Arguments.of("model is a number", bytes("{\"model\":7,\"messages\":[]}"), 400),
                Arguments.of("messages is an object", bytes("{\"model\":\"sim-chat\",\"messages\":{}}"), 400),
                Arguments.of("content is an object", bytes(CHAT.formatted("x", "").replace("\"x\"", "{}")), 400),
                Arguments.of("huge integer", bytes(CHAT.formatted("hi", ",\"max_tokens\":" + "9".repeat(400))), 400),
                Arguments.of("huge exponent", bytes(CHAT.formatted("hi", ",\"temperature\":1e999999")), 400),
                Arguments.of("negative zero tokens", bytes(CHAT.formatted("hi", ",\"max_tokens\":-0")), 400),
                Arguments.of("NaN", bytes(CHAT.formatted("hi", ",\"temperature\":NaN")), 400),
                Arguments.of("invalid UTF-8", invalidUtf8, 400),
                Arguments.of("zero bytes that look like UTF-32", new byte[] {'{', 0, 0, 0, (byte) 0x93, (byte) 0x99, 'n'},
                        400),
                Arguments.of("raw control character", bytes(CHAT.formatted("a\u0001b", "")), 400),
                Arguments.of("raw NUL", bytes(CHAT.formatted("a\u0000b", "")), 400),
                Arguments.of("10 MB string", bytes(CHAT.formatted("x".repeat(10 * 1024 * 1024), "")), 413),
                Arguments.of("deeply nested arrays", bytes("{\"model\":\"sim-chat\",\"messages\":" + "[".repeat(100_000)
                        + "]".repeat(100_000) + "}"), 400),
                Arguments.of("nested past the depth limit", bytes("{\"a\":" + "[".repeat(65) + "]".repeat(65) + "}"), 400),
                Arguments.of("many keys", bytes("{" + "\"k\":1,".repeat(200_000) + "\"model\":\"sim-chat\"}"), 400),
                Arguments.of("duplicate keys", bytes(CHAT.formatted("hi", ",\"model\":\"other\"")), 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void badBodiesAreRefusedInTheErrorShape(String name, byte[] body, int status) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, res.statusCode(), name + ": " + res.body());
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertTrue(error.path("message").isTextual(), res.body());
        assertFalse(res.body().contains("Exception"), res.body());
    }

    static Stream<Arguments> framing() {
        String chat = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        String next = "GET /v1/models/SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n";
        return Stream.of(
                Arguments.of("duplicate Content-Length", chat + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
                Arguments.of("negative Content-Length", chat + "Content-Length: -1\r\n\r\n", 400),
                Arguments.of("Content-Length with Transfer-Encoding", chat + "Content-Length: 5\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("NUL in a header", "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 400),
                Arguments.of("bad chunk size", chat + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
                        + next, 400),
                Arguments.of("chunk size past Long", chat + "Transfer-Encoding: chunked\r\n\r\n" + "f".repeat(40)
                        + "\r\n{}\r\n0\r\n\r\n" + next, 400),
                Arguments.of("413 by Content-Length with a request in the body", chat + "Content-Length: "
                        + (20 * 1024 * 1024) + "\r\n\r\n" + next, 413),
                Arguments.of("100 KB request line", "GET /v1/models?q=" + "a".repeat(100_000) + " HTTP/1.1\r\n"
                        + "Host: x\r\n\r\n", 414),
                Arguments.of("HTTP/1.0", "GET /v1/models HTTP/1.0\r\n\r\n", 505),
                Arguments.of("Connection: close, then a pipelined request", "GET /v1/models HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\n\r\n" + next, 200),
                Arguments.of("Connection: keep-alive, Close, then a pipelined request", "GET /v1/models HTTP/1.1\r\n"
                        + "Host: x\r\nConnection: keep-alive, Close\r\n\r\n" + next, 200),
                Arguments.of("request line of spaces", "   \r\n\r\n", 400),
                Arguments.of("HTTP/2 preface on an HTTP/1.1 port", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400));
    }

    /** One answer in the error shape (or the one 200), then the connection is closed: nothing after it is read. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("framing")
    void badFramingGetsOneAnswerAndTheConnectionIsClosed(String name, String request, int status) throws Exception {
        String received = RefusalAccountingTest.exchange(server.port(), request);
        assertEquals(java.util.List.of(status), RefusalAccountingTest.statuses(received), name + ": " + received);
        assertFalse(received.contains("Exception") || received.contains("SMUGGLED"), received);
    }

    /** Well-formed JSON with a field of the wrong type or size: a 400 whose message names the field. */
    static Stream<Arguments> badFields() {
        String embed = "{\"model\":\"sim-embed\",\"input\":%s}";
        String manyInputs = "[" + "\"a\",".repeat(2048) + "\"a\"]";
        String bigInputs = "[\"" + "x".repeat(600_000) + "\",\"" + "y".repeat(400_001) + "\"]";
        return Stream.of(
                Arguments.of("tools is a string", "/v1/chat/completions", CHAT.formatted("hi", ",\"tools\":\"x\""),
                        "tools"),
                Arguments.of("a tool is a number", "/v1/chat/completions", CHAT.formatted("hi", ",\"tools\":[1]"),
                        "tools[0]"),
                Arguments.of("tool_choice is a number", "/v1/chat/completions",
                        CHAT.formatted("hi", ",\"tool_choice\":5"), "tool_choice"),
                Arguments.of("tool_choice is an unknown word", "/v1/chat/completions",
                        CHAT.formatted("hi", ",\"tool_choice\":\"always\""), "tool_choice"),
                Arguments.of("response_format is a string", "/v1/chat/completions",
                        CHAT.formatted("hi", ",\"response_format\":\"json\""), "response_format"),
                Arguments.of("response_format has no type", "/v1/chat/completions",
                        CHAT.formatted("hi", ",\"response_format\":{}"), "response_format"),
                Arguments.of("2049 embedding inputs", "/v1/embeddings", embed.formatted(manyInputs), "input"),
                Arguments.of("embedding inputs over 1,000,000 characters", "/v1/embeddings",
                        embed.formatted(bigInputs), "input"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void badFieldsAreRefusedNamingTheField(String name, String path, String body, String field) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, res.statusCode(), name + ": " + res.body());
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertTrue(error.path("message").asText().startsWith("'" + field + "': "), res.body());
        assertEquals("invalid_request_error", error.path("type").asText(), res.body());
    }

    @Test
    void escapedControlCharactersAndLoneSurrogatesAreFineText() throws Exception {
        for (String text : new String[] {"a\\u0000\\u001b[31mb", "\\ud800", "\\udfff\\ud800"}) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted(text, ""))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), text + ": " + res.body());
        }
    }

    @Test
    void streamsLongerThanTheReadTimeoutAreNotCutOff() throws Exception {
        try (StackwatchServer slow = TestServers.start("""
                version: 2
                providers:
                  inference:
                  - provider_id: simulator
                    provider_type: inline::simulator
                    config: {ttft_ms: 5, inter_token_ms: 300, jitter: 0, min_tokens: 10, max_tokens: 10}
                registered_resources:
                  models:
                  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
                server:
                  limits: {read_timeout_ms: 1000}
                """)) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + slow.port()
                    + "/v1/chat/completions")).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(
                    CHAT.formatted("hi", ",\"stream\":true"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode());
            assertTrue(res.body().endsWith("data: [DONE]\n\n"), "a 3 s stream outlives a 1 s read timeout: " + res.body());
        }
    }

    @Test
    void slowHeadersAreCutOffWhileOthersAreServed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", server.port())) {
            slow.setSoTimeout(20_000);
            OutputStream out = slow.getOutputStream();
            out.write("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertServedMeanwhile();
            assertClosedByServer(slow);
        }
        assertEquals(200, get("/v1/health").statusCode(), "still ready after the slow client");
    }

    @Test
    void slowBodiesAreCutOffWhileOthersAreServed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", server.port())) {
            slow.setSoTimeout(20_000);
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertServedMeanwhile();
            String answer = assertClosedByServer(slow);
            assertFalse(answer.startsWith("HTTP/1.1 200"), answer);
            assertFalse(answer.contains("Exception"), answer);
        }
        assertEquals(200, get("/v1/health").statusCode(), "still ready after the slow client");
    }

    private static void assertServedMeanwhile() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/v1/models").statusCode());
        }
    }

    /** Reads until the server closes the connection (bounded by the socket timeout) and returns what it sent. */
    private static String assertClosedByServer(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        Polling.await(Duration.ofSeconds(20), "the server to close a slow connection", () -> {
            try {
                int b = in.read();
                if (b >= 0) {
                    received.write(b);
                }
                return b < 0;
            } catch (SocketException reset) {
                return true;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return received.toString(StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
