package dev.stackwatch.exchange;

/**
 * Why a configured limit refused a request, reported to the request's {@link Exchange} by whoever refused it, so the
 * metrics filter can count limit refusals by reason without the limits knowing about metrics.
 */
public record LimitRefusal(String reason) {
    public static final LimitRefusal RATE = new LimitRefusal("rate_limit");
    public static final LimitRefusal CONCURRENCY = new LimitRefusal("concurrent_requests");
    public static final LimitRefusal BODY_SIZE = new LimitRefusal("body_size");
    public static final LimitRefusal BODY_TIMEOUT = new LimitRefusal("read_timeout");
}
