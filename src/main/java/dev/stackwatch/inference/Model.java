package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A model clients can name: {@code id} is public, {@code providerModelId} is what the provider calls it. */
public record Model(String id, String providerId, String providerModelId, ModelType type, ObjectNode metadata) {}
