package dev.stackwatch.inference;

/** The outcome of a generation: the whole text (also for streams), why it ended, and token counts. */
public record Completion(String text, FinishReason finishReason, Usage usage) {}
