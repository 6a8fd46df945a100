package dev.stackwatch.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.wire.Json;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scanner reads every chunk shape exactly as the tree-based reading it replaced ({@link OpenAiWire}) did. */
class ChunkScannerTest {
    private final ObjectMapper json = Json.newMapper();

    @Test
    void readsEachChunkShapeAsTheTreeDoes() throws IOException {
        List<String> chunks = List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                        + "\"assistant\",\"content\":\"Hel\\u006co \\\"x\\\"\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":null}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":16,\"total_tokens\":23}}",
                "{\"choices\":[{\"text\":\" word\",\"index\":0,\"logprobs\":{\"a\":[1,{\"b\":2}]},"
                        + "\"finish_reason\":\"stop\"}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"function\":{\"name\":\"f\","
                        + "\"arguments\":\"{\\\"a\\\":1}\"}}]}}]}",
                "{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[]}}]}",
                "{\"choices\":[{\"message\":{\"content\":\"m\"},\"delta\":{\"content\":\"d\"},\"text\":\"t\"}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"d\"},\"text\":\"t\"}]}",
                "{\"choices\":[{\"message\":{\"content\":7},\"delta\":{\"content\":\"d\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"first\"}},{\"delta\":{\"content\":\"second\"}}]}",
                "{\"choices\":[3,{\"delta\":{\"content\":\"second\"}}]}",
                "{\"choices\":{\"delta\":{\"content\":\"not an array\"}}}",
                "{\"choices\":[{\"finish_reason\":7}]}",
                "[1,2]",
                "\"text\"",
                "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}",
                "{\"error\":\"plain\"}",
                "{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"x\"}}]}");
        for (String data : chunks) {
            JsonNode tree = json.readTree(data);
            ChunkScanner.Chunk chunk = ChunkScanner.scan(json, data);
            JsonNode choice = tree.path("choices").path(0);
            assertEquals(!choice.isMissingNode(), chunk.hasChoice, data);
            if (!choice.isMissingNode()) {
                assertEquals(OpenAiWire.text(choice), chunk.piece(), data);
                JsonNode toolCalls = choice.path("delta").path("tool_calls");
                assertEquals(toolCalls.isArray() ? toolCalls : null, chunk.toolCalls, data);
                assertEquals(choice.path("finish_reason").isTextual() ? choice.get("finish_reason").asText() : null, chunk.finishReason, data);
            }
            assertEquals(tree.path("usage").isObject() ? tree.get("usage") : null, chunk.usage, data);
            assertEquals(tree.has("error") ? tree.get("error") : null, chunk.error, data);
        }
    }

    @Test
    void refusesWhatTheMapperRefuses() {
        for (String bad : List.of("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} {}", "{\"choices\":[",
                "{\"choices\":[],\"choices\":[]}", "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
                "not json")) {
            assertThrows(IOException.class, () -> json.readTree(bad), bad);
            assertThrows(IOException.class, () -> ChunkScanner.scan(json, bad), bad);
        }
    }
}
