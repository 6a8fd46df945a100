package dev.stackwatch.api;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad request gets the OpenAI error shape, the right status, and never a 500 or a stack trace. */
class ErrorResponseTest {
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.FAST_SIMULATOR
            + "server:\n  max_request_body_bytes: 4096\n");

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("{\"model\":\"sim-chat\",", 400, "invalid_json", null),
                Arguments.of("[1,2]", 400, "invalid_json", null),
                Arguments.of("", 400, "empty_body", null),
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "invalid_value", "model"),
                Arguments.of("{\"model\":\"sim-chat\"}", 400, "invalid_value", "messages"),
                Arguments.of("{\"model\":\"sim-chat\",\"messages\":[]}", 400, "invalid_value", "messages"),
                Arguments.of("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400,
                        "invalid_value", "messages[0].role"),
                Arguments.of("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", 400,
                        "invalid_value", "messages[0].content"),
                Arguments.of("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-1}",
                        400, "invalid_value", "max_tokens"),
                Arguments.of("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1e400}",
                        400, "invalid_value", "max_tokens"),
                Arguments.of("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"}",
                        400, "invalid_value", "temperature"),
                Arguments.of("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}",
                        400, "invalid_value", "stream"),
                Arguments.of("{\"model\":\"sim-embed\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400,
                        "invalid_value", "model"),
                Arguments.of("{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404,
                        "model_not_found", "model"),
                Arguments.of("{\"model\":\"sim-chat\",\"messages\":" + "[".repeat(200) + "]".repeat(200) + "}", 400,
                        "invalid_json", null));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void chatRejectsBadInputWithTheRightStatusAndField(String body, int status, String code, String param) throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", body, "application/json");
        JsonNode error = assertErrorShape(res, status, code);
        if (param != null) {
            assertEquals(param, error.path("param").asText());
            assertTrue(error.path("message").asText().contains(param), error.path("message").asText());
        }
    }

    @Test
    void embeddingsValidateInputAndEncoding() throws Exception {
        assertErrorShape(post("/v1/embeddings", "{\"model\":\"sim-embed\"}", "application/json"), 400, "invalid_value");
        assertErrorShape(post("/v1/embeddings", "{\"model\":\"sim-embed\",\"input\":[\"a\",3]}", "application/json"),
                400, "invalid_value");
        assertErrorShape(post("/v1/embeddings", "{\"model\":\"sim-embed\",\"input\":\"a\",\"encoding_format\":\"hex\"}",
                "application/json"), 400, "invalid_value");
        assertErrorShape(post("/v1/embeddings", "{\"model\":\"sim-chat\",\"input\":\"a\"}", "application/json"),
                400, "invalid_value");
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> missing = server.api().get("/v1/nothing/here");
        assertErrorShape(missing, 404, "route_not_found");
        HttpResponse<String> wrong = server.api().get("/v1/chat/completions");
        assertErrorShape(wrong, 405, "method_not_allowed");
        assertEquals("POST", wrong.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> unknownModel = server.api().get("/v1/models/org/none");
        assertErrorShape(unknownModel, 404, "model_not_found");
    }

    @Test
    void wrongContentTypeIs415ButCurlsDefaultIsAccepted() throws Exception {
        String ok = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}";
        assertErrorShape(post("/v1/chat/completions", ok, "text/plain"), 415, "unsupported_media_type");
        assertErrorShape(post("/v1/chat/completions", ok, "application/xml"), 415, "unsupported_media_type");
        assertEquals(200, post("/v1/chat/completions", ok, "application/x-www-form-urlencoded").statusCode());
        assertEquals(200, post("/v1/chat/completions", ok, "application/json; charset=utf-8").statusCode());
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";
        assertErrorShape(post("/v1/chat/completions", big, "application/json"), 413, "request_too_large");
    }

    @Test
    void invalidUtf8IsABadRequest() throws Exception {
        String valid = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"ab\"}]}";
        byte[] body = valid.getBytes(StandardCharsets.UTF_8);
        int at = valid.indexOf("ab");
        body[at] = (byte) 0xC3; // a lead byte followed by a non-continuation byte: invalid UTF-8
        body[at + 1] = (byte) 0x28;
        HttpResponse<String> res = server.api().send(request("/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofString());
        assertErrorShape(res, 400, "invalid_json");
    }

    @Test
    void clientDisconnectingMidStreamLeavesTheServerHealthy() throws Exception {
        String body = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"long\"}],\"stream\":true}";
        for (int i = 0; i < 5; i++) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                    // skip the status line and headers
                }
                assertTrue(line != null && line.contains("chat.completion.chunk"), "first chunk arrived: " + line);
            }
        }
        HttpResponse<String> after = post("/v1/chat/completions",
                "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "application/json");
        assertEquals(200, after.statusCode());
        assertEquals(200, server.management().get("/health").statusCode());
    }

    private static HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return server.api().send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return server.api().request(path);
    }
}
