package dev.stackwatch.telemetry.metrics;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Where the state gauges read their values at scrape time. The wiring decides the sources (the catalog today, a
 * background health monitor later) so that metrics never probe a provider themselves.
 */
public record StateSignals(BooleanSupplier ready, List<String> providerIds, Predicate<String> providerHealthy,
                           Predicate<String> modelReady) {
    public StateSignals {
        providerIds = List.copyOf(providerIds);
    }
}
