package dev.stackwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.ChatMessage;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.ModelCatalog;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.RoutedModel;
import dev.stackwatch.inference.SamplingParams;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.lifecycle.InFlight;
import dev.stackwatch.wire.ApiException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * {@code POST /v1/responses} served by this server's own providers (the simulator acting as a distribution): the
 * OpenAI Responses shapes, whole or streamed with the real event sequence ({@code response.created} ...
 * {@code response.output_text.delta} ... {@code response.completed} carrying {@code usage}). The generation goes
 * through the observed provider like chat, as operation {@code responses}.
 */
public final class ResponsesHandler {
    private final ModelCatalog catalog;
    private final JsonBodyReader reader;
    private final ObjectMapper json;
    private final JsonResponses responses;
    private final Consumer<ObjectNode> finished;

    /** {@code finished} receives every response that ended, for GET /v1/responses/{response_id}. */
    public ResponsesHandler(ModelCatalog catalog, JsonBodyReader reader, ObjectMapper json, JsonResponses responses,
                            Consumer<ObjectNode> finished) {
        this.catalog = catalog;
        this.reader = reader;
        this.json = json;
        this.responses = responses;
        this.finished = finished;
    }

    public void create(ServerRequest req, ServerResponse res) {
        ObjectNode body = reader.read(req);
        RequestFields f = new RequestFields(body);
        String modelId = f.requiredString("model");
        List<ChatMessage> messages = messages(body);
        boolean stream = f.bool("stream", false);
        RoutedModel routed = catalog.route(modelId);
        if (routed.model().type() != ModelType.LLM) {
            throw ApiException.invalid("model", "'" + modelId + "' is an embedding model; use /v1/embeddings");
        }
        JsonNode max = body.path("max_output_tokens");
        SamplingParams params = new SamplingParams(max.isInt() ? max.asInt() : null,
                body.path("temperature").isNumber() ? body.get("temperature").asDouble() : null, null, List.of(), null);
        GenerationRequest request = new GenerationRequest(Operation.RESPONSES, routed.model(), messages, null, params,
                stream, body, System.nanoTime(), ForwardedHeaders.of(req), Exchange.of(req));
        String id = "resp_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String itemId = "msg_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        long created = System.currentTimeMillis() / 1000;
        InFlight inFlight = req.context().get(InFlight.class)
                .orElseThrow(() -> new IllegalStateException("API request not admitted by DrainFilter"));
        if (!stream) {
            Completion done = inFlight.whileClientWaits(ClientDisconnectedException::new,
                    () -> routed.provider().generate(request, TokenSink.DISCARD));
            ObjectNode response = response(id, created, modelId, "completed", itemId, done);
            finished.accept(response);
            responses.send(res, response);
            return;
        }
        try (SseStream sse = new SseStream(res, json)) {
            int[] seq = {0};
            ObjectNode inProgress = response(id, created, modelId, "in_progress", itemId, null);
            event(sse, seq, "response.created", "response", inProgress);
            event(sse, seq, "response.in_progress", "response", inProgress);
            ObjectNode item = message(itemId, "in_progress", "");
            ObjectNode added = json.createObjectNode().put("output_index", 0);
            added.set("item", item);
            event(sse, seq, "response.output_item.added", added);
            ObjectNode part = json.createObjectNode().put("item_id", itemId).put("output_index", 0)
                    .put("content_index", 0);
            part.set("part", outputText(""));
            event(sse, seq, "response.content_part.added", part);
            sse.flush();   // the opening events leave together, before the first token is waited for
            Completion done;
            try {
                done = inFlight.interruptibly(() -> routed.provider().generate(request, new TokenSink() {
                    @Override
                    public void token(String text) {
                        inFlight.uninterruptibly(() -> event(sse, seq, "response.output_text.delta",
                                json.createObjectNode().put("item_id", itemId).put("output_index", 0)
                                        .put("content_index", 0).put("delta", text)));
                    }

                    /** The simulated Responses API offers no tools; a tool call has no event to travel in. */
                    @Override
                    public void toolCalls(JsonNode deltas) {
                    }

                    @Override
                    public void flush() {
                        inFlight.uninterruptibly(sse::flush);
                    }
                }));
            } catch (ClientDisconnectedException e) {
                throw e;
            } catch (RuntimeException e) {
                // The stream has begun (response.created): the failure travels as the final event, as OpenAI's does.
                ApiException error = ApiErrors.report(e, "a response of " + modelId);
                ObjectNode failed = response(id, created, modelId, "failed", itemId, null);
                failed.putObject("error").put("code", error.code()).put("message", error.getMessage());
                event(sse, seq, "response.failed", "response", failed);
                sse.end();
                return;
            }
            event(sse, seq, "response.output_text.done", json.createObjectNode().put("item_id", itemId)
                    .put("output_index", 0).put("content_index", 0).put("text", done.text()));
            ObjectNode partDone = json.createObjectNode().put("item_id", itemId).put("output_index", 0)
                    .put("content_index", 0);
            partDone.set("part", outputText(done.text()));
            event(sse, seq, "response.content_part.done", partDone);
            ObjectNode itemDone = json.createObjectNode().put("output_index", 0);
            itemDone.set("item", message(itemId, "completed", done.text()));
            event(sse, seq, "response.output_item.done", itemDone);
            ObjectNode response = response(id, created, modelId, status(done), itemId, done);
            finished.accept(response);
            event(sse, seq, done.finishReason() == FinishReason.STOP ? "response.completed" : "response.incomplete",
                    "response", response);
            sse.end();
        }
    }

    private void event(SseStream sse, int[] seq, String type, String field, ObjectNode value) {
        ObjectNode event = json.createObjectNode();
        event.set(field, value);
        event(sse, seq, type, event);
    }

    private void event(SseStream sse, int[] seq, String type, ObjectNode event) {
        ObjectNode ordered = json.createObjectNode().put("type", type).put("sequence_number", seq[0]++);
        ordered.setAll(event);
        sse.append(type, ordered);
    }

    private static String status(Completion done) {
        return done.finishReason() == FinishReason.STOP ? "completed" : "incomplete";
    }

    private ObjectNode response(String id, long created, String model, String status, String itemId, Completion done) {
        ObjectNode r = json.createObjectNode().put("id", id).put("object", "response").put("created_at", created)
                .put("model", model).put("status", done == null ? status : status(done));
        ArrayNode output = r.putArray("output");
        if (done != null) {
            output.add(message(itemId, "completed", done.text()));
            if (done.finishReason() != FinishReason.STOP) {
                r.putObject("incomplete_details").put("reason", done.finishReason() == FinishReason.CONTENT_FILTER
                        ? "content_filter" : "max_output_tokens");
            }
            r.putObject("usage").put("input_tokens", done.usage().promptTokens())
                    .put("output_tokens", done.usage().completionTokens())
                    .put("total_tokens", done.usage().totalTokens());
        }
        return r;
    }

    private ObjectNode message(String id, String status, String text) {
        ObjectNode m = json.createObjectNode().put("type", "message").put("id", id).put("status", status)
                .put("role", "assistant");
        m.putArray("content").add(outputText(text));
        return m;
    }

    private ObjectNode outputText(String text) {
        ObjectNode t = json.createObjectNode().put("type", "output_text").put("text", text);
        t.putArray("annotations");
        return t;
    }

    /** {@code input} as a string or a list of messages (content a string or input_text parts), plus instructions. */
    private static List<ChatMessage> messages(ObjectNode body) {
        List<ChatMessage> messages = new ArrayList<>();
        if (body.path("instructions").isTextual()) {
            messages.add(new ChatMessage("system", body.get("instructions").asText()));
        }
        JsonNode input = body.path("input");
        if (input.isTextual()) {
            messages.add(new ChatMessage("user", input.asText()));
        } else if (input.isArray()) {
            for (JsonNode m : input) {
                JsonNode content = m.path("content");
                StringBuilder text = new StringBuilder(content.isTextual() ? content.asText() : "");
                if (content.isArray()) {
                    content.forEach(part -> text.append(part.path("text").asText()));
                }
                messages.add(new ChatMessage(m.path("role").asText("user"), text.toString()));
            }
        } else {
            throw ApiException.invalid("input", "is required (a string or a list of messages)");
        }
        return messages;
    }
}
