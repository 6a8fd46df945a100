package dev.stackwatch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook receiver for Alertmanager on one machine: every notification POSTed to any path is printed as one line
 * per alert, and {@code GET /} answers the last {@value #KEPT} notifications as JSON (each with the path it came to,
 * which names the receiver). The JDK's own HTTP server is enough for a handful of notifications a minute.
 */
public final class NotificationSink implements AutoCloseable {
    static final int KEPT = 200;
    private static final int MAX_BODY = 1 << 20;

    private final ObjectMapper json = new ObjectMapper();
    private final Deque<JsonNode> received = new ArrayDeque<>();
    private final PrintStream out;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public NotificationSink(String host, int port, PrintStream out) throws IOException {
        this.out = out;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            switch (exchange.getRequestMethod()) {
                case "POST" -> receive(exchange);
                case "GET" -> reply(exchange, 200, json.writeValueAsBytes(snapshot()));
                default -> reply(exchange, 405, new byte[0]);
            }
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY);
        }
        JsonNode notification;
        try {
            notification = json.readTree(body);
        } catch (IOException e) {
            out.println("notification to " + exchange.getRequestURI().getPath() + " is not JSON: " + e.getMessage());
            reply(exchange, 400, new byte[0]);
            return;
        }
        String path = exchange.getRequestURI().getPath();
        synchronized (received) {
            if (received.size() == KEPT) {
                received.removeFirst();
            }
            received.addLast(json.createObjectNode().put("path", path).set("notification", notification));
        }
        out.println(describe(path, notification));
        out.flush();
        reply(exchange, 200, new byte[0]);
    }

    /** One line per alert: what fired or resolved, where it was routed and what it says. */
    static String describe(String path, JsonNode notification) {
        StringBuilder text = new StringBuilder("notification to ").append(path).append(" (receiver ")
                .append(notification.path("receiver").asText("?")).append("): ")
                .append(notification.path("alerts").size()).append(" alert(s)");
        for (JsonNode alert : notification.path("alerts")) {
            JsonNode labels = alert.path("labels");
            text.append("\n  ").append(alert.path("status").asText("?").toUpperCase(java.util.Locale.ROOT))
                    .append(' ').append(labels.path("alertname").asText("?"))
                    .append(" severity=").append(labels.path("severity").asText("-"))
                    .append(" instance=").append(labels.path("instance").asText("-"))
                    .append(": ").append(alert.path("annotations").path("summary").asText(""));
        }
        return text.toString();
    }

    private ArrayNode snapshot() {
        ArrayNode all = json.createArrayNode();
        synchronized (received) {
            received.forEach(all::add);
        }
        return all;
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
