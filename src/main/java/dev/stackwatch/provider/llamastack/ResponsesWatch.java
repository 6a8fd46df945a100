package dev.stackwatch.provider.llamastack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.inference.UpstreamHeaders;
import dev.stackwatch.inference.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a relayed {@code POST /v1/responses} answer as its bytes pass to the client, and tells the observers what a
 * chat call would: each {@code response.output_text.delta} as a token (timed after it was flushed to the client), then
 * the final response's status and {@code usage}. It only reads copies: the client gets the upstream's bytes.
 */
final class ResponsesWatch {
    /** A whole answer is kept only to read its status and usage; a larger one is relayed but not read. */
    private static final int WHOLE_LIMIT = 8 * 1024 * 1024;
    /** An SSE line longer than this (a huge delta) is skipped, not buffered without bound. */
    private static final int LINE_LIMIT = 1024 * 1024;

    private final InferenceObserver.Call call;
    private final boolean stream;
    private final String providerId;
    private final ObjectMapper json;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private int tokens;
    private boolean overflow;
    private JsonNode finalResponse;
    private String streamError;
    private boolean done;

    ResponsesWatch(InferenceObserver.Call call, boolean stream, String providerId, ObjectMapper json) {
        this.call = call;
        this.stream = stream;
        this.providerId = providerId;
        this.json = json;
    }

    /** What the relayed request carries in place of the client's trace context: the observed call's say. */
    UpstreamHeaders upstreamHeaders(UpstreamHeaders client) {
        return call.upstreamHeaders(client);
    }

    /** A piece of a 2xx body, just written and flushed to the client at {@code nanoTime}. */
    void relayed(byte[] chunk, long nanoTime) {
        if (!stream) {
            if (pending.size() + chunk.length <= WHOLE_LIMIT) {
                pending.writeBytes(chunk);
            } else {
                overflow = true;
            }
            return;
        }
        int from = 0;
        for (int i = 0; i < chunk.length; i++) {
            if (chunk[i] == '\n') {
                appendToLine(chunk, from, i - from);
                line(nanoTime);
                from = i + 1;
            }
        }
        appendToLine(chunk, from, chunk.length - from);
    }

    /** The body ended: the call ends with the final response's outcome. */
    void ended() {
        if (done) {
            return;
        }
        done = true;
        if (!stream && !overflow) {
            finalResponse = parse(pending.toString(StandardCharsets.UTF_8));
        }
        if (streamError != null) {
            call.failed(new ProviderException(ProviderException.Kind.BAD_GATEWAY, providerId, streamError));
            return;
        }
        if (finalResponse == null) {
            call.failed(new ProviderException(ProviderException.Kind.BAD_GATEWAY, providerId,
                    "the upstream's response ended without a final response (status and usage)"));
            return;
        }
        JsonNode usage = finalResponse.path("usage");
        Usage counted = new Usage(usage.path("input_tokens").asInt(0), usage.path("output_tokens").asInt(0));
        switch (finalResponse.path("status").asText("completed")) {
            case "failed" -> call.failed(new ProviderException(ProviderException.Kind.INTERNAL, providerId,
                    "the upstream's response failed: "
                            + finalResponse.path("error").path("message").asText("no message")));
            case "cancelled" -> call.failed(new ClientDisconnectedException(
                    new IllegalStateException("the response was cancelled")));
            case "incomplete" -> call.completed(new Completion(text.toString(),
                    finalResponse.path("incomplete_details").path("reason").asText().equals("content_filter")
                            ? FinishReason.CONTENT_FILTER : FinishReason.LENGTH, counted));
            default -> call.completed(new Completion(text.toString(), FinishReason.STOP, counted));
        }
    }

    /** The relay failed (upstream status, timeout, client gone) before the body ended. */
    void failed(Throwable failure) {
        if (!done) {
            done = true;
            call.failed(failure);
        }
    }

    private void appendToLine(byte[] chunk, int from, int length) {
        if (pending.size() + length <= LINE_LIMIT) {
            pending.write(chunk, from, length);
        } else {
            overflow = true;
        }
    }

    private void line(long nanoTime) {
        boolean skipped = overflow;
        String line = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        overflow = false;
        if (skipped || !line.startsWith("data:")) {
            return;
        }
        JsonNode event = parse(line.substring("data:".length()).strip());
        if (event == null) {
            return;
        }
        switch (event.path("type").asText()) {
            case "response.output_text.delta" -> {
                text.append(event.path("delta").asText());
                call.token(tokens++, nanoTime);
            }
            case "response.completed", "response.incomplete", "response.failed" -> finalResponse = event.path("response");
            case "error" -> streamError = "the upstream's stream reported an error: "
                    + event.path("message").asText(event.path("error").path("message").asText("no message"));
            default -> {
                // created, in_progress, output_item.*, content_part.*, output_text.done: nothing to measure
            }
        }
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (IOException notJson) {
            return null;
        }
    }
}
