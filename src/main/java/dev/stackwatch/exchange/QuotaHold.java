package dev.stackwatch.exchange;

/**
 * Tokens a quota set aside for a request, reported to its {@link Exchange} by the quota filter: the usage observer
 * settles it with what the provider reported once the inference ends. Settling more than once has no effect.
 */
@FunctionalInterface
public interface QuotaHold {
    void settle(long tokens, double cost);
}
