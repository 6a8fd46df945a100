package dev.stackwatch.config.usage;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** One key's limits; a quota that is absent is unlimited. Spend limits are in micro-units of the currency. */
public record KeyQuota(Map<Quota, Long> limits) {
    public KeyQuota {
        limits = limits.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(limits));
    }

    /** The configured quotas in declaration order, the order every store call and header lists them in. */
    public Quota[] quotas() {
        return limits.keySet().toArray(Quota[]::new);
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }
}
