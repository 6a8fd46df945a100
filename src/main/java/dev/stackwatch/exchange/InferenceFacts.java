package dev.stackwatch.exchange;

/**
 * What a request's provider call did, reported to its {@link Exchange} when the call ends, for the access line.
 * {@code firstTokenNanos} ({@link System#nanoTime()}) is null unless a streamed piece reached the client; tokens,
 * finish reason and error are null when unknown; {@code prompt} and {@code completion} are null unless prompts are
 * logged (they are user data).
 */
public record InferenceFacts(String model, String provider, boolean stream, Integer inputTokens, Integer outputTokens,
                             Long firstTokenNanos, String finishReason, String error, String prompt,
                             String completion) {
}
