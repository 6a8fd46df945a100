package dev.stackwatch.bench;

/**
 * What happened to one request, in {@link System#nanoTime()} instants. {@code intendedNanos} is when the schedule
 * wanted it sent; latencies count from there so a slow server cannot hide queueing (coordinated omission).
 * {@code firstTokenNanos} is 0 when no token arrived, {@code status} 0 when no HTTP response did, and
 * {@code errorKind} null when the request succeeded.
 */
public record Outcome(long intendedNanos, long firstTokenNanos, long endNanos, int outputTokens,
                      long[] tokenGapsNanos, int status, String errorKind) {

    public boolean ok() {
        return errorKind == null;
    }

    static Outcome failed(long intendedNanos, int status, String errorKind) {
        return new Outcome(intendedNanos, 0, System.nanoTime(), 0, new long[0], status, errorKind);
    }
}
