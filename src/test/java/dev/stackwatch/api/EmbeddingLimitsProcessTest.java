package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.config.security.LimitsConfig;
import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.ServerProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embeddings limits bound memory: the largest request they allow, on a model with OpenAI's common 1536
 * dimensions, is served by a server with a 256 MiB heap (before the limits, 40,000 one-letter inputs grew the heap
 * by gigabytes), and one input more is a 400 naming the field.
 */
class EmbeddingLimitsProcessTest {
    private static final int DIMENSION = 1536;
    private static final String CONFIG = """
            version: 2
            providers:
              inference:
              - provider_id: simulator
                provider_type: inline::simulator
                config: {ttft_ms: 1, inter_token_ms: 1, jitter: 0}
            registered_resources:
              models:
              - {model_id: embed, provider_id: simulator, model_type: embedding, metadata: {embedding_dimension: %d}}
            """.formatted(DIMENSION);

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theLargestAllowedRequestIsServedWithA256MiBHeap(@TempDir Path dir) throws IOException {
        int inputs = LimitsConfig.DEFAULT_MAX_EMBEDDING_INPUTS;
        int each = LimitsConfig.DEFAULT_MAX_EMBEDDING_INPUT_CHARS / inputs;
        StringBuilder body = new StringBuilder("{\"model\": \"embed\", \"input\": [");
        for (int i = 0; i < inputs; i++) {
            // Distinct inputs, so each gets its own vector (the simulator's vectors are seeded by the text).
            String prefix = Integer.toString(i) + " ";
            body.append(i == 0 ? "\"" : ",\"").append(prefix).append("w".repeat(each - prefix.length())).append('"');
        }
        body.append("]}");
        Path config = Files.writeString(dir.resolve("run.yaml"), CONFIG);
        try (HttpCalls http = new HttpCalls();
             ServerProcess server = new ServerProcess(dir, List.of("-Xmx256m"), Map.of(), "--config",
                     config.toString())) {
            String url = "http://127.0.0.1:" + server.port() + "/v1/embeddings";

            HttpResponse<String> res = http.send(url, body.toString());
            assertEquals(200, res.statusCode(), () -> res.body().substring(0, Math.min(500, res.body().length())));
            JsonNode data = json.readTree(res.body()).path("data");
            assertEquals(inputs, data.size());
            assertEquals(DIMENSION, data.path(inputs - 1).path("embedding").size());

            String oneMore = body.substring(0, body.length() - 2) + ",\"x\"]}";
            HttpResponse<String> refused = http.send(url, oneMore);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("'input': has 2049 inputs; at most 2048"), refused.body());

            assertEquals(200, http.send(url, body.toString()).statusCode(), "still serving afterwards");
        }
    }
}
