package dev.stackwatch.usage;

import dev.stackwatch.config.usage.UsageConfig;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.security.ApiKeyName;
import dev.stackwatch.telemetry.metrics.Metrics;
import io.helidon.common.context.Context;
import io.helidon.common.context.Contexts;
import java.util.Optional;

/**
 * Accounts each provider call to the API key that made it: per-key requests, tokens and estimated spend in the
 * metrics, and the settlement of the request's quota reservation with the usage the provider reported. A call that
 * failed or was cancelled settles with nothing used: the provider reported no usage to charge.
 */
public final class UsageObserver implements InferenceObserver {
    private final UsageConfig config;
    private final QuotaKeeper keeper;
    private final Metrics metrics;

    public UsageObserver(QuotaKeeper keeper, Metrics metrics) {
        this.config = keeper.config();
        this.keeper = keeper;
        this.metrics = metrics;
    }

    @Override
    public Call start(CallInfo info) {
        Optional<Context> context = Contexts.context();
        String key = context.flatMap(c -> c.get(ApiKeyName.class)).map(ApiKeyName::name).orElse(UsageConfig.ANONYMOUS);
        Reservation reservation = context.flatMap(c -> c.get(Reservation.class)).orElse(null);
        String tenant = context.flatMap(c -> c.get(Tenant.class)).orElse(Tenant.NONE).label();
        return new Accounted(key, tenant, info.model().id(), reservation);
    }

    private final class Accounted implements Call {
        private final String key;
        private final String tenant;
        private final String modelId;
        private final Reservation reservation;

        Accounted(String key, String tenant, String modelId, Reservation reservation) {
            this.key = key;
            this.tenant = tenant;
            this.modelId = modelId;
            this.reservation = reservation;
        }

        @Override
        public void completed(Completion completion) {
            ended(completion.finishReason().wire(), completion.usage().promptTokens(),
                    completion.usage().completionTokens());
        }

        @Override
        public void embedded(Embeddings embeddings) {
            ended(FinishReason.STOP.wire(), embeddings.promptTokens(), 0);
        }

        @Override
        public void failed(Throwable failure) {
            ended(failure instanceof ClientDisconnectedException ? "cancelled" : "error", 0, 0);
        }

        private void ended(String outcome, long input, long output) {
            double cost = config.price(modelId).cost(input, output);
            metrics.keyCall(key, tenant, modelId, outcome, input, output, cost);
            if (reservation != null) {
                keeper.settle(reservation, input + output, cost);
            }
        }
    }
}
