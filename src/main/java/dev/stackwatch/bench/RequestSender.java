package dev.stackwatch.bench;

/** Sends one request due at {@code intendedNanos} and reports what happened; never throws for a failed request. */
@FunctionalInterface
interface RequestSender {
    Outcome send(long intendedNanos, String prompt, int maxTokens);
}
