package dev.stackwatch.telemetry.logging;

/**
 * What the provider call of one request did, for its access-log line. {@link AccessLogFilter} puts a fresh one in the
 * request context; {@link AccessLogObserver} fills it in from the provider decorator. Both run on the request's own
 * thread, one after the other, so plain fields are enough.
 */
final class InferenceFacts {
    final long requestStartNanos;
    String model;
    String provider;
    boolean stream;
    Integer inputTokens;
    Integer outputTokens;
    long firstTokenNanos;
    String finishReason;
    String error;
    /** Only filled when LOG_PROMPTS=true: prompts and completions are user data. */
    String prompt;
    String completion;

    InferenceFacts(long requestStartNanos) {
        this.requestStartNanos = requestStartNanos;
    }

    boolean called() {
        return model != null;
    }

    /** Milliseconds from the request's arrival to the first streamed token, or null when nothing was streamed. */
    Double timeToFirstTokenMs() {
        return firstTokenNanos == 0 ? null : Math.round((firstTokenNanos - requestStartNanos) / 1e4) / 100.0;
    }
}
