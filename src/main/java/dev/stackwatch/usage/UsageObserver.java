package dev.stackwatch.usage;

import dev.stackwatch.config.usage.TenantConfig;
import dev.stackwatch.config.usage.UsageConfig;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.exchange.QuotaHold;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.telemetry.metrics.Metrics;

/**
 * Accounts each provider call to the API key that made it, as the request's {@link Exchange} names it: per-key
 * requests, tokens and estimated spend in the metrics, and the settlement of the quota the request reserved with the
 * usage the provider reported. A call that
 * failed or was cancelled settles with nothing used: the provider reported no usage to charge.
 */
public final class UsageObserver implements InferenceObserver {
    private final UsageConfig config;
    private final Metrics metrics;

    public UsageObserver(QuotaKeeper keeper, Metrics metrics) {
        this.config = keeper.config();
        this.metrics = metrics;
    }

    @Override
    public Call start(CallInfo info) {
        Exchange exchange = info.exchange();
        return new Accounted(exchange.keyName().orElse(UsageConfig.ANONYMOUS),
                exchange.tenant().orElse(TenantConfig.NONE), info.model().id(), exchange.quota().orElse(null));
    }

    private final class Accounted implements Call {
        private final String key;
        private final String tenant;
        private final String modelId;
        private final QuotaHold reservation;

        Accounted(String key, String tenant, String modelId, QuotaHold reservation) {
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
                reservation.settle(input + output, cost);
            }
        }
    }
}
