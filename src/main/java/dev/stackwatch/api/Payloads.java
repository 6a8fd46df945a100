package dev.stackwatch.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.inference.Usage;
import java.util.List;

/** The OpenAI / LlamaStack response shapes, as records serialised in snake_case. */
final class Payloads {
    private Payloads() {
    }

    record UsageBody(int promptTokens, int completionTokens, int totalTokens) {
        static UsageBody of(Usage u) {
            return new UsageBody(u.promptTokens(), u.completionTokens(), u.totalTokens());
        }
    }

    /** {@code content} is null, not absent, when the model answered with tool calls only (as OpenAI sends it). */
    record Message(String role, @JsonInclude(JsonInclude.Include.ALWAYS) String content, JsonNode toolCalls) {}

    record ChatChoice(int index, Message message, String finishReason,
                      @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs) {}

    record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices,
                          UsageBody usage) {}

    record Delta(String role, String content, JsonNode toolCalls) {}

    record ChunkChoice(int index, Delta delta, @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason) {}

    record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices,
                     UsageBody usage) {}

    record TextChoice(String text, int index, @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason,
                      @JsonInclude(JsonInclude.Include.ALWAYS) Object logprobs) {}

    record TextCompletion(String id, String object, long created, String model, List<TextChoice> choices,
                          UsageBody usage) {}

    record EmbeddingData(String object, Object embedding, int index) {}

    record EmbeddingUsage(int promptTokens, int totalTokens) {}

    record EmbeddingList(String object, List<EmbeddingData> data, String model, EmbeddingUsage usage) {}

    /** OpenAI's model object with LlamaStack's fields beside it, so both kinds of client read it. */
    record ModelBody(String id, String object, long created, String ownedBy, String identifier,
                     String providerResourceId, String providerId, String type, String modelType, JsonNode metadata,
                     String state) {}

    record DataList<T>(String object, List<T> data) {}

    record Health(String status, String message) {}

    record ProviderBody(String api, String providerId, String providerType, JsonNode config, Health health) {}

    record RouteBody(String route, String method, List<String> providerTypes) {}

    record Version(String version) {}
}
