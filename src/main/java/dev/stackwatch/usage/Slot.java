package dev.stackwatch.usage;

/**
 * One counter a request touches: {@code name} (key and quota) in {@code window}, the {@code limit} it may reach and
 * what admitting the request adds. An {@code increment} of 0 checks without counting (spend is known only at the end).
 */
record Slot(String name, long window, long limit, long increment, long retentionSeconds) {

    /** Whether a counter at {@code current} has no room for this request. */
    boolean full(long current) {
        return current + Math.max(increment, 1) > limit;
    }
}
