package dev.stackwatch.provider.http;

import dev.stackwatch.inference.ProviderHealth;

/** Health of a remote provider: the upstream answers its model listing, and the circuit is not open. */
public final class RemoteHealth {
    private RemoteHealth() {
    }

    public static ProviderHealth check(CircuitBreaker breaker, ModelLister lister) {
        try {
            lister.listModels();
        } catch (UpstreamFailure f) {
            return ProviderHealth.error("upstream check failed: " + f.getMessage() + "; " + breaker.describe());
        }
        return breaker.state() == CircuitBreaker.State.CLOSED ? ProviderHealth.ok()
                : ProviderHealth.error("upstream answers, but " + breaker.describe());
    }
}
