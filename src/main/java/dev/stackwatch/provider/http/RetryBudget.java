package dev.stackwatch.provider.http;

/**
 * Caps retries at a fraction of traffic (token bucket): each call earns {@code ratio} of a retry, each retry spends one,
 * and a small reserve lets the first failures after a quiet period be retried. Without a budget, retries during an
 * outage multiply the load on an upstream that is already failing.
 */
final class RetryBudget {
    private static final double RESERVE = 10.0;

    private final double ratio;
    private double tokens = RESERVE;

    RetryBudget(double ratio) {
        this.ratio = ratio;
    }

    synchronized void deposit() {
        tokens = Math.min(RESERVE, tokens + ratio);
    }

    synchronized boolean withdraw() {
        if (tokens < 1.0) {
            return false;
        }
        tokens -= 1.0;
        return true;
    }
}
