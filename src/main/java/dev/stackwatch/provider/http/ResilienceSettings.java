package dev.stackwatch.provider.http;

import dev.stackwatch.config.ConfigNode;
import java.time.Duration;

/**
 * Retry, circuit-breaker and concurrency limits for one provider. Defaults suit a single GPU server: a few retries,
 * a breaker that opens after five straight failures, and a queue deep enough for bursts but not for a backlog.
 */
public record ResilienceSettings(int maxRetries, Duration retryBackoff, double retryBudgetRatio,
                                 int breakerFailureThreshold, Duration breakerOpenFor,
                                 int maxConcurrency, int maxQueue, Duration queueTimeout) {

    public static ResilienceSettings read(ConfigNode config) {
        return new ResilienceSettings(
                config.integer("max_retries", 2, 0, 10),
                config.millis("retry_backoff_ms", Duration.ofMillis(100)),
                config.number("retry_budget_ratio", 0.2, 0.0, 1.0),
                config.integer("circuit_failure_threshold", 5, 1, 1000),
                config.millis("circuit_open_ms", Duration.ofSeconds(10)),
                config.integer("max_concurrency", 64, 1, 100_000),
                config.integer("max_queue", 256, 0, 1_000_000),
                config.millis("queue_timeout_ms", Duration.ofSeconds(30)));
    }
}
