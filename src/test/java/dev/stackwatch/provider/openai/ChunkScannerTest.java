package dev.stackwatch.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.provider.http.UpstreamFailure;
import dev.stackwatch.wire.ByteSlice;
import dev.stackwatch.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scanner reads every chunk shape, and every whole answer, exactly as the tree-based reading it replaced did: that
 * reading is kept here as the reference.
 */
class ChunkScannerTest {
    private final ObjectMapper json = Json.newMapper();

    /** The text of a choice or a streamed choice, as the tree-based reading took it. */
    private static String treeText(JsonNode choice) {
        JsonNode content = choice.path("message").path("content");
        if (content.isMissingNode()) {
            content = choice.path("delta").path("content");
        }
        if (content.isMissingNode()) {
            content = choice.path("text");
        }
        return content.isTextual() ? content.asText() : "";
    }

    /** A usage object's token counts, as the tree-based reading took them. */
    private static Usage treeUsage(JsonNode usage) {
        return new Usage(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0));
    }

    /** What the tree-based reading made of a chunk's usage: its counts when it is an object, else nothing. */
    private static Usage treeUsageOf(JsonNode chunk) {
        JsonNode usage = chunk.path("usage");
        return usage.isObject() ? treeUsage(usage) : null;
    }

    /** A whole answer, as the tree-based reading took it; null where it had no choices (a bad upstream response). */
    private static Completion treeCompletion(JsonNode body) {
        JsonNode choice = body.path("choices").path(0);
        if (choice.isMissingNode()) {
            return null;
        }
        JsonNode toolCalls = choice.path("message").path("tool_calls");
        return new Completion(treeText(choice), FinishReason.fromWire(choice.path("finish_reason").asText("stop")),
                treeUsage(body.path("usage")), toolCalls.isArray() && !toolCalls.isEmpty() ? toolCalls : null);
    }

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
            ChunkScanner.Chunk chunk = scan(data);
            JsonNode choice = tree.path("choices").path(0);
            assertEquals(!choice.isMissingNode(), chunk.hasChoice, data);
            if (!choice.isMissingNode()) {
                assertEquals(treeText(choice), chunk.piece(), data);
                JsonNode toolCalls = choice.path("delta").path("tool_calls");
                assertEquals(toolCalls.isArray() ? toolCalls : null, chunk.toolCalls, data);
                assertEquals(choice.path("finish_reason").isTextual() ? choice.get("finish_reason").asText() : null, chunk.finishReason, data);
            }
            assertEquals(treeUsageOf(tree), chunk.usage, data);
            assertEquals(tree.has("error") ? tree.get("error") : null, chunk.error, data);
        }
    }

    @Test
    void readsEachWholeAnswerAsTheTreeDoes() throws IOException {
        List<String> answers = List.of(
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
                        + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi \\u00e9\\n\"},"
                        + "\"logprobs\":null,\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":9,"
                        + "\"completion_tokens\":2,\"total_tokens\":11},\"system_fingerprint\":null}",
                "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":"
                        + "\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
                        + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}",
                "{\"choices\":[{\"message\":{\"content\":\"x\",\"tool_calls\":[]},\"finish_reason\":null}]}",
                "{\"choices\":[{\"text\":\" a text completion\",\"finish_reason\":\"stop\"}],\"usage\":null}",
                "{\"choices\":[{\"message\":\"not an object\",\"finish_reason\":7}],\"usage\":[1]}",
                "{\"choices\":[{\"delta\":{\"content\":\"d\",\"tool_calls\":[{\"index\":0}]}}]}",
                "{\"choices\":[5]}",
                "{\"choices\":[]}",
                "{\"error\":{\"message\":\"overloaded\"}}",
                "[]");
        for (String data : answers) {
            Completion tree = treeCompletion(json.readTree(data));
            ChunkScanner.Chunk answer = scan(data);
            if (tree == null) {
                assertThrows(UpstreamFailure.class, () -> OpenAiWire.completion(answer), data);
            } else {
                assertEquals(tree, OpenAiWire.completion(answer), data);
            }
        }
    }

    @Test
    void aRepeatedKeyCountsAsItsLastAsAClientReadingTheUpstreamWouldHaveIt() throws IOException {
        ObjectMapper lastWins = new ObjectMapper();   // Jackson's default, like the SDKs' JSON readers
        List<String> chunks = List.of(
                "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
                "{\"choices\":[],\"choices\":[{\"delta\":{\"content\":\"second\"}}]}",
                "{\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\","
                        + "\"finish_reason\":\"length\"}]}",
                "{\"usage\":{\"completion_tokens\":1},\"usage\":{\"completion_tokens\":2,\"completion_tokens\":3}}",
                "{\"error\":{\"message\":\"a\"},\"error\":{\"message\":\"b\",\"message\":\"c\"}}");
        for (String data : chunks) {
            JsonNode tree = lastWins.readTree(data);
            ChunkScanner.Chunk chunk = scan(data);
            JsonNode choice = tree.path("choices").path(0);
            assertEquals(!choice.isMissingNode(), chunk.hasChoice, data);
            assertEquals(treeText(choice), chunk.piece(), data);
            assertEquals(choice.path("finish_reason").textValue(), chunk.finishReason, data);
            assertEquals(treeUsageOf(tree), chunk.usage, data);
            assertEquals(tree.get("error"), chunk.error, data);
        }
    }

    @Test
    void readsTokenCountsOfEveryTypeAsTheTreeDoes() throws IOException {
        List<String> values = List.of("0", "7", "-3", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
                "123456789012345678901234567890", "12.9", "-0.5", "1e3", "1.5e300", "\"42\"", "\" 8 \"", "\"x\"",
                "\"3.7\"", "\"\"", "true", "false", "null", "{\"a\":1}", "[1,2]", "[]", "{}");
        for (String value : values) {
            for (String data : List.of(
                    "{\"choices\":[],\"usage\":{\"prompt_tokens\":" + value + ",\"completion_tokens\":" + value + "}}",
                    "{\"usage\":{\"total_tokens\":" + value + ",\"prompt_tokens_details\":{\"cached_tokens\":" + value
                            + "},\"completion_tokens\":5,\"prompt_tokens\":" + value + "}}",
                    "{\"usage\":{\"prompt_tokens\":1,\"prompt_tokens\":" + value + "}}")) {
                JsonNode tree = new ObjectMapper().readTree(data);
                assertEquals(treeUsageOf(tree), scan(data).usage, data);
            }
        }
    }

    @Test
    void refusesWhatTheMapperRefuses() {
        for (String bad : List.of("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} {}", "{\"choices\":[",
                "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]", "not json")) {
            assertThrows(IOException.class, () -> json.readTree(bad), bad);
            assertThrows(IOException.class, () -> scan(bad), bad);
        }
    }

    private ChunkScanner.Chunk scan(String data) throws IOException {
        return ChunkScanner.scan(json, ByteSlice.of(data.getBytes(StandardCharsets.UTF_8)));
    }
}
