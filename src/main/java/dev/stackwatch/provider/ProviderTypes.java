package dev.stackwatch.provider;

import dev.stackwatch.config.ModelConfig;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.provider.http.UpstreamTransport;
import dev.stackwatch.provider.llamastack.LlamaStackProvider;
import dev.stackwatch.provider.ollama.OllamaProvider;
import dev.stackwatch.provider.openai.OpenAiProvider;
import dev.stackwatch.provider.simulator.SimulatorProvider;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The provider types Stackwatch knows, by their LlamaStack {@code provider_type} names. */
public final class ProviderTypes {
    private final Map<String, ProviderFactory> factories;

    public ProviderTypes(Map<String, ProviderFactory> factories) {
        this.factories = new TreeMap<>(factories);
    }

    /** {@code upstreams}: the event loop and read timer every remote provider shares. */
    public static ProviderTypes builtIn(UpstreamTransport upstreams) {
        return new ProviderTypes(Map.of(
                SimulatorProvider.TYPE, SimulatorProvider::create,
                OpenAiProvider.TYPE_OPENAI, (config, models) -> OpenAiProvider.openAi(config, upstreams),
                OpenAiProvider.TYPE_VLLM, (config, models) -> OpenAiProvider.vllm(config, upstreams),
                OllamaProvider.TYPE, (config, models) -> OllamaProvider.create(config, upstreams),
                LlamaStackProvider.TYPE, (config, models) -> LlamaStackProvider.create(config, upstreams)));
    }

    public InferenceProvider create(ProviderConfig config, List<ModelConfig> models) {
        ProviderFactory factory = factories.get(config.providerType());
        if (factory == null) {
            throw config.entry().child("provider_type").error("unknown provider type '" + config.providerType()
                    + "' (known: " + String.join(", ", factories.keySet()) + ")");
        }
        List<ModelConfig> routed = models.stream().filter(m -> m.providerId().equals(config.providerId())).toList();
        return factory.create(config, routed);
    }
}
