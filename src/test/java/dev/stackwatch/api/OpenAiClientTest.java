package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java client talks to Stackwatch exactly as it would to OpenAI. */
class OpenAiClientTest {
    private static StackwatchServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.FAST_SIMULATOR);
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("not-needed")
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void listsRegisteredModels() {
        Set<String> ids = client.models().list().data().stream().map(Model::id).collect(Collectors.toSet());
        assertEquals(Set.of("sim-chat", "org/sim-chat-2", "sim-embed"), ids);
        assertEquals("simulator", client.models().retrieve("org/sim-chat-2").ownedBy());
    }

    @Test
    void chatCompletionHasTextFinishReasonAndUsage() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("sim-chat").addUserMessage("How fast is the cluster?").seed(7).build());
        String text = c.choices().getFirst().message().content().orElseThrow();
        assertFalse(text.isBlank());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().getFirst().finishReason());
        var usage = c.usage().orElseThrow();
        assertTrue(usage.promptTokens() > 0);
        assertTrue(usage.completionTokens() >= 8 && usage.completionTokens() <= 24, "tokens " + usage.completionTokens());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
        assertEquals("sim-chat", c.model());
    }

    @Test
    void sameSeedGivesSameTextAndMaxTokensEndsWithLength() {
        var params = ChatCompletionCreateParams.builder().model("sim-chat").addUserMessage("hi").seed(42)
                .maxCompletionTokens(5).build();
        ChatCompletion a = client.chat().completions().create(params);
        ChatCompletion b = client.chat().completions().create(params);
        assertEquals(a.choices().getFirst().message().content(), b.choices().getFirst().message().content());
        assertEquals(5, a.usage().orElseThrow().completionTokens());
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, a.choices().getFirst().finishReason());
    }

    @Test
    void streamedChatDeliversTokensThenFinishThenUsage() {
        var params = ChatCompletionCreateParams.builder().model("org/sim-chat-2").addUserMessage("stream please")
                .seed(3).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        int contentChunks = 0;
        for (ChatCompletionChunk chunk : chunks) {
            for (var choice : chunk.choices()) {
                if (choice.delta().content().isPresent() && !choice.delta().content().get().isEmpty()) {
                    text.append(choice.delta().content().get());
                    contentChunks++;
                }
            }
        }
        ChatCompletionChunk usageChunk = chunks.getLast();
        assertTrue(usageChunk.choices().isEmpty());
        assertEquals(contentChunks, usageChunk.usage().orElseThrow().completionTokens());
        var finish = chunks.get(chunks.size() - 2).choices().getFirst().finishReason().orElseThrow();
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP, finish);
        assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT, chunks.getFirst().choices().getFirst().delta().role().orElseThrow());

        ChatCompletion whole = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("org/sim-chat-2").addUserMessage("stream please").seed(3).build());
        assertEquals(whole.choices().getFirst().message().content().orElseThrow(), text.toString(),
                "a stream and a plain response with the same seed carry the same text");
    }

    @Test
    void stopSequenceCutsTheText() {
        var base = ChatCompletionCreateParams.builder().model("sim-chat").addUserMessage("x").seed(11);
        String full = client.chat().completions().create(base.build()).choices().getFirst().message().content().orElseThrow();
        String stop = full.substring(full.indexOf(' ', 3), full.indexOf(' ', 3) + 3);
        ChatCompletion cut = client.chat().completions().create(base.stop(stop).build());
        String text = cut.choices().getFirst().message().content().orElseThrow();
        assertEquals(full.substring(0, full.indexOf(stop)), text);
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, cut.choices().getFirst().finishReason());
    }

    @Test
    void textCompletionPlainAndStreamed() {
        var params = CompletionCreateParams.builder().model("sim-chat").prompt("Once upon a time").maxTokens(6).seed(5).build();
        Completion c = client.completions().create(params);
        assertEquals("text_completion", c._object_().asString().orElseThrow());
        assertEquals(6, c.usage().orElseThrow().completionTokens());
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> streamed.append(choice.text())));
        }
        assertEquals(c.choices().getFirst().text(), streamed.toString());
    }

    @Test
    void embeddingsAreDeterministicUnitVectorsInBothEncodings() {
        CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder().model("sim-embed")
                .input("the quick brown fox").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        CreateEmbeddingResponse base64 = client.embeddings().create(EmbeddingCreateParams.builder().model("sim-embed")
                .input("the quick brown fox").encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        List<Float> a = floats.data().getFirst().embedding();
        List<Float> b = base64.data().getFirst().embedding();
        assertEquals(64, a.size());
        assertEquals(a, b, "base64 and float encodings carry the same vector");
        double norm = Math.sqrt(a.stream().mapToDouble(f -> f * f).sum());
        assertEquals(1.0, norm, 1e-4);
        assertEquals(4, floats.usage().promptTokens());

        CreateEmbeddingResponse batch = client.embeddings().create(EmbeddingCreateParams.builder().model("sim-embed")
                .inputOfArrayOfStrings(List.of("one", "the quick brown fox")).dimensions(16).build());
        assertEquals(2, batch.data().size());
        assertEquals(16, batch.data().get(1).embedding().size());
        assertEquals(1, batch.data().get(1).index());
    }
}
