package dev.stackwatch.config;

import java.util.List;

/** A loaded, validated LlamaStack {@code run.yaml}: only the parts Stackwatch serves. */
public record RunConfig(String source, int version, String imageName, List<ProviderConfig> inferenceProviders,
                        List<ModelConfig> models, ServerConfig server) {

    public RunConfig withServer(ServerConfig newServer) {
        return new RunConfig(source, version, imageName, inferenceProviders, models, newServer);
    }
}
