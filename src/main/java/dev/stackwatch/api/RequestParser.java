package dev.stackwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.inference.ChatMessage;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.SamplingParams;
import dev.stackwatch.wire.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates OpenAI-shaped request bodies. Unknown fields are allowed (clients send many); known ones are checked, and
 * those that size the work ({@code messages}, {@code max_tokens}, embeddings' {@code input}) are capped by
 * {@code server.limits}.
 */
public final class RequestParser {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final int MAX_STOP_SEQUENCES = 4;
    private static final Set<String> TOOL_CHOICES = Set.of("none", "auto", "required");

    private final int maxMessages;
    private final int maxTokens;
    private final int maxEmbeddingInputs;
    private final int maxEmbeddingInputChars;

    public RequestParser(int maxMessages, int maxTokens, int maxEmbeddingInputs, int maxEmbeddingInputChars) {
        this.maxMessages = maxMessages;
        this.maxTokens = maxTokens;
        this.maxEmbeddingInputs = maxEmbeddingInputs;
        this.maxEmbeddingInputChars = maxEmbeddingInputChars;
    }

    GenerationInput chat(ObjectNode body) {
        RequestFields f = new RequestFields(body);
        String model = f.requiredString("model");
        List<ChatMessage> messages = messages(f);
        tools(f);
        responseFormat(f);
        return new GenerationInput(Operation.CHAT, model, messages, null, sampling(f), f.bool("stream", false),
                includeUsage(f), body);
    }

    GenerationInput completion(ObjectNode body) {
        RequestFields f = new RequestFields(body);
        String model = f.requiredString("model");
        JsonNode prompt = f.node("prompt").orElseThrow(() -> ApiException.invalid("prompt", "is required"));
        String text;
        if (prompt.isTextual()) {
            text = prompt.asText();
        } else if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            text = prompt.get(0).asText();
        } else {
            throw ApiException.invalid("prompt", "must be a string (or an array holding one string)");
        }
        return new GenerationInput(Operation.COMPLETION, model, List.of(), text, sampling(f), f.bool("stream", false),
                includeUsage(f), body);
    }

    EmbeddingInput embeddings(ObjectNode body) {
        RequestFields f = new RequestFields(body);
        String model = f.requiredString("model");
        JsonNode input = f.node("input").orElseThrow(() -> ApiException.invalid("input", "is required"));
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray() && !input.isEmpty()) {
            // The answer holds one vector per input: this cap, not the body size, bounds its memory.
            if (input.size() > maxEmbeddingInputs) {
                throw ApiException.invalid("input", "has " + input.size() + " inputs; at most " + maxEmbeddingInputs
                        + " are allowed");
            }
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw ApiException.invalid("input[" + i + "]", "must be a string");
                }
                inputs.add(input.get(i).asText());
            }
        } else {
            throw ApiException.invalid("input", "must be a string or a non-empty array of strings");
        }
        long chars = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).isEmpty()) {
                throw ApiException.invalid(inputs.size() == 1 ? "input" : "input[" + i + "]", "must not be empty");
            }
            chars += inputs.get(i).length();
        }
        if (chars > maxEmbeddingInputChars) {
            throw ApiException.invalid("input", "has " + chars + " characters in all; at most " + maxEmbeddingInputChars
                    + " are allowed");
        }
        String format = f.string("encoding_format").orElse("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiException.invalid("encoding_format", "must be 'float' or 'base64'");
        }
        Integer dimensions = f.positiveInt("dimensions", 65_536).orElse(null);
        return new EmbeddingInput(model, List.copyOf(inputs), format.equals("base64"), dimensions, body);
    }

    private List<ChatMessage> messages(RequestFields f) {
        JsonNode list = f.node("messages").orElseThrow(() -> ApiException.invalid("messages", "is required"));
        if (!list.isArray() || list.isEmpty()) {
            throw ApiException.invalid("messages", "must be a non-empty array");
        }
        if (list.size() > maxMessages) {
            throw ApiException.invalid("messages", "has " + list.size() + " messages; at most " + maxMessages
                    + " are allowed");
        }
        List<ChatMessage> messages = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                throw ApiException.invalid(at, "must be an object with 'role' and 'content'");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw ApiException.invalid(at + ".role", "must be one of " + String.join(", ", ROLES.stream().sorted().toList()));
            }
            messages.add(new ChatMessage(role.asText(), content(m.get("content"), at + ".content", role.asText())));
        }
        return List.copyOf(messages);
    }

    /** Text content: a string, or the text parts of a content array; assistant turns with tool calls may have none. */
    private static String content(JsonNode content, String at, String role) {
        if (content == null || content.isNull()) {
            if (role.equals("assistant")) {
                return "";
            }
            throw ApiException.invalid(at, "is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                if (!part.isObject() || !part.path("type").isTextual()) {
                    throw ApiException.invalid(at + "[" + i + "]", "must be an object with a 'type'");
                }
                if (part.path("type").asText().equals("text")) {
                    if (!part.path("text").isTextual()) {
                        throw ApiException.invalid(at + "[" + i + "].text", "must be a string");
                    }
                    text.append(part.get("text").asText());
                }
            }
            return text.toString();
        }
        throw ApiException.invalid(at, "must be a string or an array of content parts");
    }

    /**
     * Only the shapes are checked: providers read the tools themselves, but a wrong type would otherwise reach them
     * (or be silently ignored) instead of being a 400 that names the field.
     */
    private static void tools(RequestFields f) {
        f.node("tools").ifPresent(tools -> {
            if (!tools.isArray()) {
                throw ApiException.invalid("tools", "must be an array of tool objects");
            }
            for (int i = 0; i < tools.size(); i++) {
                if (!tools.get(i).isObject()) {
                    throw ApiException.invalid("tools[" + i + "]", "must be an object");
                }
            }
        });
        f.node("tool_choice").ifPresent(choice -> {
            if (choice.isTextual() ? !TOOL_CHOICES.contains(choice.asText()) : !choice.isObject()) {
                throw ApiException.invalid("tool_choice",
                        "must be 'none', 'auto', 'required' or an object naming a function");
            }
        });
    }

    private static void responseFormat(RequestFields f) {
        f.node("response_format").ifPresent(format -> {
            if (!format.isObject() || !format.path("type").isTextual()) {
                throw ApiException.invalid("response_format",
                        "must be an object with a 'type' (e.g. {\"type\": \"json_object\"})");
            }
        });
    }

    private SamplingParams sampling(RequestFields f) {
        Integer tokens = f.positiveInt("max_completion_tokens", maxTokens)
                .or(() -> f.positiveInt("max_tokens", maxTokens)).orElse(null);
        Double temperature = f.number("temperature", 0.0, 2.0).orElse(null);
        Double topP = f.number("top_p", 0.0, 1.0).orElse(null);
        if (f.integer("n").orElse(1L) != 1L) {
            throw ApiException.invalid("n", "only n=1 is supported");
        }
        return new SamplingParams(tokens, temperature, topP, stop(f), f.integer("seed").orElse(null));
    }

    private static List<String> stop(RequestFields f) {
        JsonNode stop = f.node("stop").orElse(null);
        if (stop == null) {
            return List.of();
        }
        if (stop.isTextual()) {
            return stop.asText().isEmpty() ? List.of() : List.of(stop.asText());
        }
        if (stop.isArray() && stop.size() <= MAX_STOP_SEQUENCES) {
            List<String> stops = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiException.invalid("stop", "must be a string or an array of up to 4 strings");
                }
                if (!s.asText().isEmpty()) {
                    stops.add(s.asText());
                }
            }
            return List.copyOf(stops);
        }
        throw ApiException.invalid("stop", "must be a string or an array of up to 4 strings");
    }

    private static boolean includeUsage(RequestFields f) {
        JsonNode options = f.node("stream_options").orElse(null);
        if (options == null) {
            return false;
        }
        if (!options.isObject()) {
            throw ApiException.invalid("stream_options", "must be an object");
        }
        JsonNode include = options.get("include_usage");
        if (include == null || include.isNull()) {
            return false;
        }
        if (!include.isBoolean()) {
            throw ApiException.invalid("stream_options.include_usage", "must be true or false");
        }
        return include.asBoolean();
    }
}
