package dev.stackwatch.usage;

import java.util.EnumMap;
import java.util.Map;

/** One key's limits; a quota that is absent is unlimited. Spend limits are in micro-units of the currency. */
public record KeyQuota(Map<Quota, Long> limits) {
    public KeyQuota {
        limits = limits.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(limits));
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }
}
