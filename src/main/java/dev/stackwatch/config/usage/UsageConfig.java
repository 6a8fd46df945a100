package dev.stackwatch.config.usage;

import java.util.Map;
import java.util.Optional;

/**
 * {@code server.usage}: prices per model id (one currency), quotas per API key name ({@code anonymous} for requests
 * without a key), the tokens a request reserves when it is admitted, where the counters live, and optionally the
 * header that names a request's tenant.
 */
public record UsageConfig(String currency, Map<String, Price> prices, Map<String, KeyQuota> quotas,
                          int reserveTokens, StoreConfig store, Optional<TenantConfig> tenant) {
    /** The key name of requests that carry no API key: the quotas' and the {@code key} label's name for them. */
    public static final String ANONYMOUS = "anonymous";
    public static final String DEFAULT_CURRENCY = "USD";
    /** A typical chat turn's prompt and answer; used when a request's own size is not known at admission. */
    public static final int DEFAULT_RESERVE_TOKENS = 1_000;
    public static final UsageConfig DEFAULT = new UsageConfig(DEFAULT_CURRENCY, Map.of(), Map.of(),
            DEFAULT_RESERVE_TOKENS, StoreConfig.MEMORY, Optional.empty());

    public UsageConfig {
        prices = Map.copyOf(prices);
        quotas = Map.copyOf(quotas);
    }

    public Price price(String modelId) {
        return prices.getOrDefault(modelId, Price.FREE);
    }

    public boolean limited() {
        return quotas.values().stream().anyMatch(q -> !q.isEmpty());
    }
}
