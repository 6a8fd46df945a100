package dev.stackwatch.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.stackwatch.testing.LoopbackHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A small Ollama on 127.0.0.1 speaking the documented JSON of /api/tags, /api/ps, /api/generate, /api/chat (whole and
 * NDJSON-streamed, with a tool call when a user turn comes with tools) and /api/embed, recording what it was sent. Model "gone" is listed but chat answers 404, like a model
 * deleted after it was loaded.
 */
final class FakeOllama implements AutoCloseable {
    /** What Ollama reports for loading a model: 1.25 s, in nanoseconds. */
    static final long WARM_UP_LOAD_NS = 1_250_000_000L;

    record Received(String path, JsonNode body, String traceparent) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final LoopbackHttpServer server = new LoopbackHttpServer(this::handle);

    String url() {
        return server.url();
    }

    List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] in = ex.getRequestBody().readAllBytes();
            JsonNode body = in.length == 0 ? null : JSON.readTree(in);
            received.add(new Received(path, body, ex.getRequestHeaders().getFirst("traceparent")));
            switch (path) {
                case "/api/tags" -> json(ex, 200, """
                        {"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest", "size": 2019393189},
                                    {"name": "nomic-embed-text:latest", "model": "nomic-embed-text:latest"},
                                    {"name": "gone:latest", "model": "gone:latest"},
                                    {"name": "mistral:7b", "model": "mistral:7b"}]}""");
                case "/api/ps" -> json(ex, 200, "{\"models\": []}");
                case "/api/embed" -> json(ex, 200, """
                        {"model": "nomic-embed-text", "embeddings": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
                         "total_duration": 14143917, "load_duration": 1019500, "prompt_eval_count": 8}""");
                case "/api/generate", "/api/chat" -> generate(ex, path, body);
                default -> json(ex, 404, "{\"error\": \"404 page not found\"}");
            }
        }
    }

    private void generate(HttpExchange ex, String path, JsonNode body) throws IOException {
        if (body.path("model").asText().equals("gone") && path.equals("/api/chat")) {
            json(ex, 404, "{\"error\": \"model \\\"gone\\\" not found, try pulling it first\"}");
            return;
        }
        boolean chat = path.equals("/api/chat");
        if (!chat && !body.has("prompt")) {
            json(ex, 200, "{\"model\": \"" + body.path("model").asText() + "\", \"response\": \"\", \"done\": true,"
                    + " \"done_reason\": \"load\", \"load_duration\": " + WARM_UP_LOAD_NS + "}");
            return;
        }
        if (chat && body.path("tools").isArray() && !body.path("tools").isEmpty()
                && body.path("messages").path(body.path("messages").size() - 1).path("role").asText().equals("user")) {
            callTool(ex, body);
            return;
        }
        List<String> pieces = List.of("Hel", "lo", " there");
        String done = "\"done\": true, \"done_reason\": \"stop\", \"total_duration\": 4883583458,"
                + " \"load_duration\": 1334875, \"prompt_eval_count\": 7, \"eval_count\": 3";
        if (!body.path("stream").asBoolean(true)) {
            json(ex, 200, "{" + piece(chat, String.join("", pieces)) + ", " + done + "}");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (String p : pieces) {
            out.write(("{" + piece(chat, p) + ", \"done\": false}\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.write(("{" + piece(chat, "") + ", " + done + "}\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Ollama's documented tool-call answer: arguments as an object, no ids, done_reason "stop". */
    private static void callTool(HttpExchange ex, JsonNode body) throws IOException {
        String name = body.path("tools").path(0).path("function").path("name").asText();
        String message = "\"message\": {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"function\": "
                + "{\"name\": \"" + name + "\", \"arguments\": {\"city\": \"Oslo\"}}}]}";
        String done = "\"done\": true, \"done_reason\": \"stop\", \"prompt_eval_count\": 30, \"eval_count\": 12";
        String head = "\"model\": \"llama3.2\", \"created_at\": \"2024-07-22T20:33:28.123648Z\", ";
        if (!body.path("stream").asBoolean(true)) {
            json(ex, 200, "{" + head + message + ", " + done + "}");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(("{" + head + message + ", \"done\": false}\n").getBytes(StandardCharsets.UTF_8));
        out.write(("{" + head + "\"message\": {\"role\": \"assistant\", \"content\": \"\"}, " + done + "}\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String piece(boolean chat, String text) {
        String quoted = "\"" + text + "\"";
        return "\"model\": \"llama3.2\", \"created_at\": \"2023-08-04T08:52:19.385406455-07:00\", "
                + (chat ? "\"message\": {\"role\": \"assistant\", \"content\": " + quoted + "}"
                        : "\"response\": " + quoted);
    }

    private static void json(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.close();
    }
}
