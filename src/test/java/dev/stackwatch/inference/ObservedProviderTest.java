package dev.stackwatch.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.io.DeadlineTimer;
import dev.stackwatch.provider.ProviderTypes;
import dev.stackwatch.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decorator's one promise beyond passing calls through: every observer that started also ends. */
class ObservedProviderTest {
    private final DeadlineTimer deadlines = new DeadlineTimer("test-deadlines");

    @AfterEach
    void closeTimer() {
        deadlines.close();
    }

    @Test
    void anObserverThatThrowsCannotKeepTheOthersFromEnding() {
        RunConfig config = TestServers.config(TestServers.FAST_SIMULATOR);
        InferenceProvider simulator = ProviderTypes.builtIn(deadlines).create(config.inferenceProviders().getFirst(),
                config.models());
        List<String> ended = new ArrayList<>();
        InferenceObserver scoped = info -> new InferenceObserver.Call() {
            @Override
            public void completed(Completion completion) {
                ended.add("scoped");
            }
        };
        InferenceObserver broken = info -> new InferenceObserver.Call() {
            @Override
            public void completed(Completion completion) {
                throw new IllegalStateException("observer bug");
            }
        };
        ObservedProvider observed = new ObservedProvider(simulator, List.of(scoped, broken));
        Model model = new Model("sim-chat", "simulator", "sim-chat", ModelType.LLM, JsonNodeFactory.instance.objectNode());
        GenerationRequest request = new GenerationRequest(Operation.CHAT, model,
                List.of(new ChatMessage("user", "hi")), null, SamplingParams.DEFAULTS, false, null);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> observed.generate(request, TokenSink.DISCARD));
        assertEquals("observer bug", e.getMessage());
        assertEquals(List.of("scoped"), ended, "the first observer (ended last) still got its end");
    }
}
