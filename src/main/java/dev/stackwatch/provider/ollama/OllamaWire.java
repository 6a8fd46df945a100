package dev.stackwatch.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.inference.ChatMessage;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.SamplingParams;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.wire.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Translates between OpenAI-shaped requests and Ollama's native /api/chat, /api/generate and /api/embed JSON. */
final class OllamaWire {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = Json.newMapper();

    private OllamaWire() {
    }

    static ObjectNode generation(GenerationRequest request, String keepAlive) {
        ObjectNode body = F.objectNode();
        body.put("model", request.model().providerModelId());
        if (request.operation() == Operation.COMPLETION) {
            body.put("prompt", request.prompt());
        } else {
            ArrayNode messages = body.putArray("messages");
            JsonNode raw = request.body() == null ? F.arrayNode() : request.body().path("messages");
            Map<String, String> toolNames = new HashMap<>();
            for (int i = 0; i < request.messages().size(); i++) {
                ChatMessage m = request.messages().get(i);
                // Ollama knows system/user/assistant/tool; OpenAI's newer "developer" role is a system prompt.
                ObjectNode message = messages.addObject()
                        .put("role", m.role().equals("developer") ? "system" : m.role()).put("content", m.content());
                toolCallsToOllama(raw.path(i), message, toolNames);
            }
            // Ollama takes OpenAI's tool definitions as they are; it has no tool_choice.
            if (request.body() != null && request.body().path("tools").isArray()) {
                body.set("tools", request.body().get("tools").deepCopy());
            }
        }
        body.put("stream", request.stream());
        body.put("keep_alive", keepAlive);
        ObjectNode options = options(request.params());
        if (!options.isEmpty()) {
            body.set("options", options);
        }
        return body;
    }

    /**
     * An assistant turn's OpenAI tool calls become Ollama's (arguments as an object, not a string); a tool turn gets
     * Ollama's {@code tool_name}, found through the {@code tool_call_id} of the call it answers.
     */
    private static void toolCallsToOllama(JsonNode raw, ObjectNode message, Map<String, String> toolNames) {
        if (raw.path("tool_calls").isArray()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (JsonNode call : raw.get("tool_calls")) {
                String name = call.path("function").path("name").asText("");
                toolNames.put(call.path("id").asText(""), name);
                calls.addObject().putObject("function").put("name", name)
                        .set("arguments", argumentsObject(call.path("function").path("arguments")));
            }
        }
        String answered = toolNames.get(raw.path("tool_call_id").asText(null));
        if (answered != null) {
            message.put("tool_name", answered);
        }
    }

    private static JsonNode argumentsObject(JsonNode arguments) {
        if (arguments.isObject()) {
            return arguments;
        }
        try {
            JsonNode parsed = JSON.readTree(arguments.asText("{}"));
            return parsed != null && parsed.isObject() ? parsed : F.objectNode();
        } catch (IOException notJson) {
            return F.objectNode();
        }
    }

    /**
     * Ollama's tool calls in a message ({@code [{function: {name, arguments: {...}}}]}) in OpenAI's shape, numbered
     * from {@code firstIndex}: whole ({@code streamed} false) or as stream deltas with their index. Ollama sends no
     * ids, so each call gets a fresh one. Null when the message has none.
     */
    static ArrayNode toolCalls(JsonNode response, int firstIndex, boolean streamed) {
        JsonNode calls = response.path("message").path("tool_calls");
        if (!calls.isArray() || calls.isEmpty()) {
            return null;
        }
        ArrayNode out = F.arrayNode();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode function = calls.get(i).path("function");
            ObjectNode call = out.addObject();
            if (streamed) {
                call.put("index", firstIndex + i);
            }
            call.put("id", "call_" + Long.toHexString(ThreadLocalRandom.current().nextLong()))
                    .put("type", "function");
            JsonNode arguments = function.path("arguments");
            call.putObject("function").put("name", function.path("name").asText(""))
                    .put("arguments", arguments.isTextual() ? arguments.asText() : arguments.toString());
        }
        return out;
    }

    private static ObjectNode options(SamplingParams p) {
        ObjectNode options = F.objectNode();
        if (p.maxTokens() != null) {
            options.put("num_predict", p.maxTokens());
        }
        if (p.temperature() != null) {
            options.put("temperature", p.temperature());
        }
        if (p.topP() != null) {
            options.put("top_p", p.topP());
        }
        if (p.seed() != null) {
            options.put("seed", p.seed());
        }
        if (!p.stop().isEmpty()) {
            ArrayNode stop = options.putArray("stop");
            p.stop().forEach(stop::add);
        }
        return options;
    }

    /** An empty generate request: Ollama's documented way to load a model into memory and keep it there. */
    static ObjectNode warmUp(String model, String keepAlive) {
        return F.objectNode().put("model", model).put("stream", false).put("keep_alive", keepAlive);
    }

    static ObjectNode embedding(EmbeddingRequest request, String keepAlive) {
        ObjectNode body = F.objectNode();
        body.put("model", request.model().providerModelId());
        ArrayNode input = body.putArray("input");
        request.inputs().forEach(input::add);
        if (request.dimensions() != null) {
            body.put("dimensions", request.dimensions());
        }
        body.put("keep_alive", keepAlive);
        return body;
    }

    /** The text in one chat message or generate response object (whole, or one NDJSON line of a stream). */
    static String text(JsonNode response) {
        JsonNode content = response.path("message").path("content");
        return content.isTextual() ? content.asText() : response.path("response").asText("");
    }

    static FinishReason finishReason(JsonNode done) {
        return "length".equals(done.path("done_reason").asText()) ? FinishReason.LENGTH : FinishReason.STOP;
    }

    static Usage usage(JsonNode done) {
        return new Usage(done.path("prompt_eval_count").asInt(0), done.path("eval_count").asInt(0));
    }

    /** {@code load_duration} in nanoseconds, when the response has one. */
    static Duration loadDuration(JsonNode response) {
        JsonNode ns = response.path("load_duration");
        return ns.canConvertToLong() ? Duration.ofNanos(ns.asLong()) : null;
    }

    static List<float[]> vectors(JsonNode body) {
        List<float[]> vectors = new ArrayList<>();
        for (JsonNode e : body.path("embeddings")) {
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) e.get(i).asDouble();
            }
            vectors.add(v);
        }
        return vectors;
    }

    /** Model names from /api/tags or /api/ps. */
    static List<String> modelNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        for (JsonNode m : body.path("models")) {
            String name = m.path("model").asText(m.path("name").asText(""));
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** Ollama adds ":latest" to untagged names; "llama3.2" in run.yaml means "llama3.2:latest" in its listings. */
    static boolean sameModel(String configured, String listed) {
        return listed.equals(configured) || (!configured.contains(":") && listed.equals(configured + ":latest"));
    }
}
