package dev.stackwatch.inference;

/** A model together with the provider that serves it. */
public record RoutedModel(Model model, InferenceProvider provider) {}
