package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.SimulatorUpstream;
import dev.stackwatch.testing.TestServers;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Function calling through Stackwatch with the official client: from the inline simulator, and relayed from an
 * OpenAI-compatible upstream (whole and streamed), then the follow-up turn that carries the tool's result.
 */
class ToolCallsTest {
    private static final FunctionDefinition WEATHER = FunctionDefinition.builder()
            .name("get_weather")
            .description("Current weather for a city")
            .parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .build())
            .build();

    private static SimulatorUpstream upstream;
    private static StackwatchServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = SimulatorUpstream.start("{ttft_ms: 2, inter_token_ms: 0, jitter: 0}");
        server = TestServers.start("""
                version: 2
                providers:
                  inference:
                  - {provider_id: local, provider_type: inline::simulator, config: {ttft_ms: 2, inter_token_ms: 0}}
                  - {provider_id: remote, provider_type: remote::openai, config: {base_url: "%s"}}
                registered_resources:
                  models:
                  - {model_id: inline-model, provider_id: local, model_type: llm}
                  - {model_id: relayed-model, provider_id: remote, provider_model_id: sim-chat, model_type: llm}
                """.formatted(upstream.baseUrl()));
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("unused")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        upstream.close();
    }

    private static ChatCompletionCreateParams.Builder askForWeather(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("What is the weather in Oslo?")
                .addFunctionTool(WEATHER)
                .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inline-model", "relayed-model"})
    void aForcedToolCallComesBackWhole(String model) {
        ChatCompletion answer = client.chat().completions().create(askForWeather(model).build());
        ChatCompletion.Choice choice = answer.choices().getFirst();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertEquals("get_weather", call.function().name());
        assertEquals("{}", call.function().arguments());
        assertTrue(call.id().startsWith("call_"), call.id());
        assertTrue(choice.message().content().isEmpty(), "no text beside the call: " + choice.message().content());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inline-model", "relayed-model"})
    void aForcedToolCallStreamsAsDeltasTheClientCanJoin(String model) {
        Map<Long, StringBuilder> names = new TreeMap<>();
        Map<Long, StringBuilder> arguments = new TreeMap<>();
        String finish = null;
        try (StreamResponse<ChatCompletionChunk> stream =
                     client.chat().completions().createStreaming(askForWeather(model).build())) {
            for (ChatCompletionChunk chunk : stream.stream().toList()) {
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                    choice.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> call.function().ifPresent(f -> {
                        f.name().ifPresent(n -> names.computeIfAbsent(call.index(), i -> new StringBuilder()).append(n));
                        f.arguments().ifPresent(a -> arguments.computeIfAbsent(call.index(), i -> new StringBuilder())
                                .append(a));
                    })));
                    if (choice.finishReason().isPresent()) {
                        finish = choice.finishReason().get().asString();
                    }
                }
            }
        }
        assertEquals("{0=get_weather}", names.toString());
        assertEquals("{0={}}", arguments.toString());
        assertEquals("tool_calls", finish);
    }

    @ParameterizedTest
    @ValueSource(strings = {"inline-model", "relayed-model"})
    void theToolResultTurnIsAcceptedAndAnsweredInText(String model) {
        ChatCompletion first = client.chat().completions().create(askForWeather(model).build());
        ChatCompletionMessageFunctionToolCall call =
                first.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                .addUserMessage("What is the weather in Oslo?")
                .addFunctionTool(WEATHER)
                .addMessage(first.choices().getFirst().message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("4 degrees, rain")
                        .build())
                .maxCompletionTokens(8)
                .build());
        ChatCompletion.Choice choice = answer.choices().getFirst();
        assertFalse(choice.message().content().orElse("").isBlank(), "tool_choice auto: the simulator answers in text");
        assertTrue(choice.message().toolCalls().map(java.util.List::isEmpty).orElse(true));
    }
}
