package dev.stackwatch.provider;

import dev.stackwatch.config.ModelConfig;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.InferenceProvider;
import java.util.List;

/** Builds a provider from its run.yaml entry and the models routed to it; config errors are ConfigExceptions. */
@FunctionalInterface
public interface ProviderFactory {
    InferenceProvider create(ProviderConfig config, List<ModelConfig> models);
}
