package dev.stackwatch.inference;

import java.util.List;

public record Embeddings(List<float[]> vectors, int promptTokens) {}
