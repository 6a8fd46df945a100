package dev.stackwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket client: no WebDriver,
 * no driver binary, nothing downloaded at run time. Records console errors and uncaught exceptions as they happen.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> consoleErrors = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final WebSocket socket;

    private HeadlessChromium(Process process, String pageSocketUrl) {
        this.process = process;
        this.socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocketUrl), new Listener()).join();
    }

    /** Starts Chromium with a fresh profile in {@code profile} and a {@code width}x{@code height} window. */
    public static HeadlessChromium start(Path chromium, Path profile, int width, int height) throws IOException {
        Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        try {
            // Chromium writes the port it picked into the profile once DevTools listens.
            Path portFile = profile.resolve("DevToolsActivePort");
            int port = Polling.awaitValue(Duration.ofSeconds(60), "Chromium's DevTools port", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("Chromium exited with " + process.exitValue());
                }
                try {
                    return Files.exists(portFile) ? Integer.parseInt(Files.readAllLines(portFile).getFirst().strip())
                            : null;
                } catch (IOException | RuntimeException e) {
                    return null;
                }
            });
            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            String pageSocket = Polling.awaitValue(Duration.ofSeconds(30), "Chromium's page target", () -> {
                try {
                    JsonNode targets = json.readTree(http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    for (JsonNode t : targets) {
                        if (t.path("type").asText().equals("page")) {
                            return t.path("webSocketDebuggerUrl").asText();
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            HeadlessChromium browser = new HeadlessChromium(process, pageSocket);
            browser.send("Runtime.enable", Map.of());
            browser.send("Log.enable", Map.of());
            browser.send("Page.enable", Map.of());
            return browser;
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    public void navigate(String url) {
        send("Page.navigate", Map.of("url", url));
    }

    /** Evaluates a JavaScript expression in the page and returns its value as JSON (return a string or number). */
    public JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page threw: " + result.path("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Emulates a viewport, e.g. a phone: {@code mobile} also turns on the meta viewport handling. */
    public void viewport(int width, int height, boolean mobile) {
        send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", mobile));
    }

    public void screenshot(Path file) throws IOException {
        JsonNode result = send("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(result.path("data").asText()));
    }

    /** Console errors, uncaught exceptions and failed loads the page has logged so far. */
    public synchronized List<String> consoleErrors() {
        return List.copyOf(consoleErrors);
    }

    private JsonNode send(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
        message.set("params", json.valueToTree(params));
        try {
            socket.sendText(json.writeValueAsString(message), true).join();
            JsonNode answer = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (answer.has("error")) {
                throw new IllegalStateException(method + " failed: " + answer.path("error"));
            }
            return answer.path("result");
        } catch (Exception e) {
            throw new IllegalStateException("CDP " + method + ": " + e.getMessage(), e);
        } finally {
            pending.remove(id);
        }
    }

    private synchronized void event(JsonNode message) {
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Runtime.consoleAPICalled" -> {
                if (params.path("type").asText().equals("error")) {
                    consoleErrors.add("console.error: " + params.path("args"));
                }
            }
            case "Runtime.exceptionThrown" -> consoleErrors.add("exception: " + params.path("exceptionDetails"));
            case "Log.entryAdded" -> {
                if (params.path("entry").path("level").asText().equals("error")) {
                    consoleErrors.add("log: " + params.path("entry").path("text").asText() + " "
                            + params.path("entry").path("url").asText());
                }
            }
            default -> { }
        }
    }

    @Override
    /**
     * Ends Chromium and every process it started (renderers, GPU and zygote helpers write into the profile folder too),
     * and waits for all of them, so the test's temporary folder can be deleted as soon as this returns.
     */
    public void close() {
        socket.abort();
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            } catch (ExecutionException | TimeoutException e) {
                p.destroyForcibly();
            }
        }
        http.close();
    }

    /** Reassembles CDP messages (they may span several frames) and routes replies and events. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = json.readTree(text);
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> reply = pending.get(message.path("id").asInt());
                        if (reply != null) {
                            reply.complete(message);
                        }
                    } else {
                        event(message);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("unreadable CDP message", e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
