package dev.stackwatch.provider.http;

import dev.stackwatch.inference.CircuitState;
import dev.stackwatch.inference.ProviderHealth;

/**
 * Health of a remote provider: the upstream answers its model listing, and the circuit is not open. Each check also
 * tells the breaker what it saw, so an open circuit closes once the upstream is back even with no API traffic.
 */
public final class RemoteHealth {
    private RemoteHealth() {
    }

    public static ProviderHealth check(CircuitBreaker breaker, ModelLister lister) {
        try {
            lister.listModels();
        } catch (UpstreamFailure f) {
            breaker.healthCheckFailed();
            return ProviderHealth.error("upstream check failed: " + f.getMessage() + "; " + breaker.describe());
        }
        breaker.healthCheckPassed();
        return breaker.state() == CircuitState.CLOSED ? ProviderHealth.ok()
                : ProviderHealth.error("upstream answers, but " + breaker.describe());
    }
}
