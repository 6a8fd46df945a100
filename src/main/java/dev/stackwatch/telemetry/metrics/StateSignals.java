package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.inference.CircuitState;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Where the state gauges read their values at scrape time. The wiring decides the sources (the catalog today, a
 * background health monitor later) so that metrics never probe a provider themselves.
 */
public record StateSignals(BooleanSupplier ready, List<String> providerIds, Predicate<String> providerHealthy,
                           Predicate<String> modelReady,
                           Function<String, Optional<CircuitState>> circuitState) {
    public StateSignals {
        providerIds = List.copyOf(providerIds);
    }
}
