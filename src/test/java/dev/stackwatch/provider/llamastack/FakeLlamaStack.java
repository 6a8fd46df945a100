package dev.stackwatch.provider.llamastack;

import com.sun.net.httpserver.HttpExchange;
import dev.stackwatch.testing.LoopbackHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A LlamaStack on 127.0.0.1 with the routes the passthrough test needs: its model list, chat, a vector-store list, a
 * streamed /v1/responses and a 409. Records the method, path, query, auth, trace context and body it received.
 */
final class FakeLlamaStack implements AutoCloseable {
    record Received(String method, String path, String query, String authorization, String traceparent,
                    String body) {}

    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final LoopbackHttpServer server = new LoopbackHttpServer(this::handle);

    String url() {
        return server.url();
    }

    Optional<Received> last(String path) {
        return received.stream().filter(r -> r.path().equals(path)).reduce((a, b) -> b);
    }

    long count(String path) {
        return received.stream().filter(r -> r.path().equals(path)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(),
                    ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("traceparent"),
                    body));
            switch (path) {
                case "/v1/models" -> send(ex, 200, "application/json", """
                        {"data": [{"id": "meta-llama/Llama-3.2-3B-Instruct", "object": "model"}]}""");
                case "/v1/chat/completions" -> send(ex, 200, "application/json", """
                        {"id": "c1", "object": "chat.completion", "created": 1, "model": "m",
                         "choices": [{"index": 0, "message": {"role": "assistant", "content": "from llama stack"},
                                      "finish_reason": "stop"}],
                         "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6}}""");
                case "/v1/vector_stores" -> send(ex, 200, "application/json", """
                        {"object": "list", "data": [{"id": "vs_1", "object": "vector_store"}]}""");
                case "/v1/files/f1" -> send(ex, 409, "application/json", "{\"detail\": \"file f1 is in use\"}");
                case "/v1/broken" -> send(ex, 503, "application/json", "{\"detail\": \"upstream overloaded\"}");
                case "/v1/responses" -> {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    for (String event : new String[] {"response.created", "response.completed"}) {
                        out.write(("event: " + event + "\ndata: {\"type\": \"" + event + "\"}\n\n")
                                .getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
                default -> send(ex, 404, "application/json", "{\"detail\": \"Not Found\"}");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.close();
    }
}
