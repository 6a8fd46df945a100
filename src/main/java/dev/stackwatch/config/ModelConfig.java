package dev.stackwatch.config;

import dev.stackwatch.inference.ModelType;

/** One registered model: which provider serves it and under which name the provider knows it. */
public record ModelConfig(String modelId, String providerId, String providerModelId, ModelType modelType,
                          ConfigNode metadata) {}
