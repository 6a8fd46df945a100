package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpExchange;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.LoopbackHttpServer;
import dev.stackwatch.testing.SseEvents;
import dev.stackwatch.testing.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a relayed stream leaves for the client: a stream that came from the upstream in one read leaves in one write,
 * headers and body together with a length (not as headers, events and the chunked body's end in three writes); one
 * that comes in pieces still leaves as it comes, its first token before the upstream has sent the rest.
 */
class StreamedAnswerFramingTest {
    private static final int TOKENS = 6;

    /** Opened by the client once it has the first token; the paced upstream sends the rest only then. */
    private final CountDownLatch firstTokenSeen = new CountDownLatch(1);
    private LoopbackHttpServer upstream;
    private StackwatchServer server;
    private HttpClient client;

    @BeforeEach
    void start() {
        upstream = new LoopbackHttpServer(this::answer);
        server = TestServers.start("""
                version: 2
                providers:
                  inference:
                  - provider_id: upstream
                    provider_type: remote::openai
                    config: {base_url: "%s/v1", max_retries: 0}
                registered_resources:
                  models:
                  - {model_id: at-once, provider_id: upstream, model_type: llm}
                  - {model_id: paced, provider_id: upstream, model_type: llm}
                """.formatted(upstream.url()));
        client = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        firstTokenSeen.countDown();
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aStreamThatCameInOneReadLeavesInOneWriteWithItsLength() throws Exception {
        HttpResponse<String> response = client.send(stream("at-once"), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse(""));
        assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                response.headers().firstValue("content-length").orElse("none"),
                "a stream sent whole carries its length: " + response.headers().map());
        assertTrue(response.headers().firstValue("transfer-encoding").isEmpty(), response.headers().map().toString());
        assertEquals("t0 t1 t2 t3 t4 t5 ", SseEvents.text(SseEvents.parse(response.body())));
        assertTrue(response.body().endsWith("data: [DONE]\n\n"), response.body());
    }

    @Test
    void theOpenAiSdkReadsAStreamThatCarriesItsLength() {
        StringBuilder text = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("not-needed").maxRetries(0).build();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("at-once").addUserMessage("hi").build())) {
            stream.stream().flatMap(chunk -> chunk.choices().stream()).forEach(choice -> {
                choice.delta().content().ifPresent(text::append);
                choice.finishReason().ifPresent(reason -> finishReasons.add(reason.asString()));
            });
        } finally {
            sdk.close();
        }
        assertEquals("t0 t1 t2 t3 t4 t5 ", text.toString());
        assertEquals(List.of("stop"), finishReasons);
    }

    @Test
    void aStreamThatComesInPiecesLeavesAsItComes() throws Exception {
        HttpResponse<InputStream> response = client.send(stream("paced"), HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, response.statusCode());
        assertEquals("chunked", response.headers().firstValue("transfer-encoding").orElse("none"),
                response.headers().map().toString());
        List<String> data = new ArrayList<>();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            for (String line = events.readLine(); line != null; line = events.readLine()) {
                if (line.startsWith("data: ")) {
                    data.add(line);
                    // The upstream holds the rest back until here: a relay that waited for it would never get here.
                    firstTokenSeen.countDown();
                }
            }
        }
        assertEquals("t0 t1 t2 t3 t4 t5 ", SseEvents.text(SseEvents.parse(String.join("\n", data))));
        assertEquals("data: [DONE]", data.getLast());
    }

    private HttpRequest stream(String model) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model + "\", \"stream\": true, "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                .build();
    }

    /** The upstream: its model list, and a chat stream of {@value #TOKENS} tokens sent whole or paced by the test. */
    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!ex.getRequestURI().getPath().equals("/v1/chat/completions")) {
                byte[] models = ("{\"object\": \"list\", \"data\": [{\"id\": \"at-once\", \"object\": \"model\"}, "
                        + "{\"id\": \"paced\", \"object\": \"model\"}]}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, models.length);
                ex.getResponseBody().write(models);
                return;
            }
            List<String> events = new ArrayList<>();
            for (int i = 0; i < TOKENS; i++) {
                events.add(chunk("{\"role\": \"assistant\", \"content\": \"t" + i + " \"}", "null"));
            }
            events.add(chunk("{}", "\"stop\""));
            events.add("data: [DONE]\n\n");
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            OutputStream out = ex.getResponseBody();
            if (body.contains("\"at-once\"")) {
                byte[] whole = String.join("", events).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, whole.length);
                out.write(whole);
                return;
            }
            ex.sendResponseHeaders(200, 0);
            out.write(events.getFirst().getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                if (!firstTokenSeen.await(10, TimeUnit.SECONDS)) {
                    return;   // the client never saw the first token: the stream ends short and the test fails
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (String event : events.subList(1, events.size())) {
                out.write(event.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\": \"c1\", \"object\": \"chat.completion.chunk\", \"created\": 1, \"model\": \"up\", "
                + "\"choices\": [{\"index\": 0, \"delta\": " + delta + ", \"finish_reason\": " + finishReason + "}]}\n\n";
    }
}
