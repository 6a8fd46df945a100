package dev.stackwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/** Sends one chat completion (streamed or not) and times it; never throws for a failed request, it reports it. */
final class ChatRequester implements RequestSender {
    private static final String DATA = "data:";

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI url;
    private final String model;
    private final boolean stream;
    private final Duration timeout;

    ChatRequester(HttpClient http, ObjectMapper json, BenchOptions options) {
        this.http = http;
        this.json = json;
        this.url = options.chatUrl();
        this.model = options.model();
        this.stream = options.stream();
        this.timeout = options.timeout();
    }

    @Override
    public Outcome send(long intendedNanos, String prompt, int maxTokens) {
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body(prompt, maxTokens))).build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    in.transferTo(OutputStream.nullOutputStream());
                    return Outcome.failed(intendedNanos, response.statusCode(), "http_" + response.statusCode());
                }
                int status = response.statusCode();
                return stream ? readStream(intendedNanos, status, in) : readWhole(intendedNanos, status, in);
            }
        } catch (HttpTimeoutException e) {
            return Outcome.failed(intendedNanos, 0, "timeout");
        } catch (ConnectException e) {
            return Outcome.failed(intendedNanos, 0, "connect");
        } catch (IOException e) {
            return Outcome.failed(intendedNanos, 0, "io");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(intendedNanos, 0, "interrupted");
        }
    }

    private byte[] body(String prompt, int maxTokens) throws IOException {
        ObjectNode body = json.createObjectNode().put("model", model).put("max_tokens", maxTokens).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (stream) {
            // Without this, a streamed response carries no token counts and tokens/s would be guessed from chunks.
            body.putObject("stream_options").put("include_usage", true);
        }
        return json.writeValueAsBytes(body);
    }

    private Outcome readWhole(long intendedNanos, int status, InputStream in) throws IOException {
        JsonNode body = json.readTree(in);
        long end = System.nanoTime();
        JsonNode tokens = body.path("usage").path("completion_tokens");
        if (!tokens.isNumber()) {
            return Outcome.failed(intendedNanos, status, "no_usage");
        }
        return new Outcome(intendedNanos, 0, end, tokens.intValue(), new long[0], status, null);
    }

    private Outcome readStream(long intendedNanos, int status, InputStream in) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        long first = 0;
        long previous = 0;
        long[] gaps = new long[64];
        int gapCount = 0;
        int chunks = 0;
        int usageTokens = -1;
        boolean done = false;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.startsWith(DATA)) {
                continue;
            }
            String data = line.substring(DATA.length()).strip();
            if (data.equals("[DONE]")) {
                done = true;
                break;
            }
            long now = System.nanoTime();
            JsonNode event = json.readTree(data);
            if (event.has("error")) {
                return Outcome.failed(intendedNanos, status, "stream_error");
            }
            if (!event.path("choices").path(0).path("delta").path("content").asText("").isEmpty()) {
                chunks++;
                if (first == 0) {
                    first = now;
                } else {
                    if (gapCount == gaps.length) {
                        gaps = Arrays.copyOf(gaps, gapCount * 2);
                    }
                    gaps[gapCount++] = now - previous;
                }
                previous = now;
            }
            if (event.path("usage").path("completion_tokens").isNumber()) {
                usageTokens = event.path("usage").path("completion_tokens").intValue();
            }
        }
        long end = System.nanoTime();
        if (!done) {
            return Outcome.failed(intendedNanos, status, "stream_incomplete");
        }
        return new Outcome(intendedNanos, first, end, usageTokens >= 0 ? usageTokens : chunks,
                Arrays.copyOf(gaps, gapCount), status, null);
    }
}
