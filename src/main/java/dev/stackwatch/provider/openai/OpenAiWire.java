package dev.stackwatch.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.provider.http.UpstreamFailure;
import java.util.ArrayList;
import java.util.List;

/** Reads OpenAI response shapes; anything missing that the protocol promises is a bad upstream response. */
final class OpenAiWire {
    private OpenAiWire() {
    }

    /** A whole chat.completion or text_completion, as {@link ChunkScanner} read it. */
    static Completion completion(ChunkScanner.Chunk answer) {
        if (!answer.hasChoice) {
            throw UpstreamFailure.badResponse("upstream response has no choices", null);
        }
        JsonNode toolCalls = answer.messageToolCalls;
        return new Completion(answer.piece(),
                FinishReason.fromWire(answer.finishReason == null ? "stop" : answer.finishReason),
                answer.usage == null ? new Usage(0, 0) : answer.usage,
                toolCalls != null && !toolCalls.isEmpty() ? toolCalls : null);
    }

    static Embeddings embeddings(JsonNode body) {
        JsonNode data = body.path("data");
        if (!data.isArray()) {
            throw UpstreamFailure.badResponse("upstream embeddings response has no data array", null);
        }
        float[][] vectors = new float[data.size()][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode embedding = item.path("embedding");
            if (index < 0 || index >= vectors.length || !embedding.isArray()) {
                throw UpstreamFailure.badResponse("upstream embeddings response has a malformed item", null);
            }
            float[] v = new float[embedding.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) embedding.get(i).asDouble();
            }
            vectors[index] = v;
        }
        for (float[] v : vectors) {
            if (v == null) {
                throw UpstreamFailure.badResponse("upstream embeddings response skips an index", null);
            }
        }
        return new Embeddings(List.of(vectors), body.path("usage").path("prompt_tokens").asInt(0));
    }

    /** Model ids from GET /models; LlamaStack before v0.3 called the id {@code identifier}. */
    static List<String> modelIds(JsonNode body) {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : body.path("data")) {
            String id = m.path("id").asText(m.path("identifier").asText(""));
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }
}
