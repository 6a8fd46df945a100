package dev.stackwatch.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The one tool call the simulator makes, so clients and proxies can exercise function calling without a model. It
 * calls only when the request forces it ({@code tool_choice: "required"} calls the first tool, a named function calls
 * that one); with {@code auto} or no choice it answers in text, deterministically. Arguments are always {@code "{}"}:
 * the simulator does not read schemas.
 */
record SimulatedToolCall(String id, String function) {
    static Optional<SimulatedToolCall> forRequest(JsonNode body, long seed) {
        if (body == null || !body.path("tools").isArray() || body.path("tools").isEmpty()) {
            return Optional.empty();
        }
        JsonNode choice = body.path("tool_choice");
        JsonNode name = choice.isTextual() && choice.asText().equals("required")
                ? body.path("tools").path(0).path("function").path("name")
                : choice.path("function").path("name");
        return name.isTextual()
                ? Optional.of(new SimulatedToolCall("call_" + Long.toHexString(seed), name.asText()))
                : Optional.empty();
    }

    /** As the whole message carries it: {@code [{id, type, function: {name, arguments}}]}. */
    JsonNode whole() {
        return JsonNodeFactory.instance.arrayNode().add(call());
    }

    /** As one streamed piece: the same call with its {@code index}, all in one chunk. */
    JsonNode delta() {
        ArrayNode deltas = JsonNodeFactory.instance.arrayNode();
        deltas.addObject().put("index", 0).setAll(call());
        return deltas;
    }

    private ObjectNode call() {
        ObjectNode call = JsonNodeFactory.instance.objectNode().put("id", id).put("type", "function");
        call.putObject("function").put("name", function).put("arguments", "{}");
        return call;
    }
}
