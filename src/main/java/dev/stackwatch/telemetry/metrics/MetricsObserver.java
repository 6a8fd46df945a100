package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.Model;
import java.time.Duration;

/** Records every provider call into {@link Metrics}: latency, time to first token, inter-token gaps, tokens, outcome. */
public final class MetricsObserver implements InferenceObserver {
    private final Metrics metrics;

    public MetricsObserver(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Call start(CallInfo info) {
        return new MeasuredCall(metrics, info.model().id(), metrics.call(info.model(), info.operation(), info.stream()),
                info.stream(), System.nanoTime());
    }

    @Override
    public void modelLoaded(Model model, String providerType, Duration took, Throwable failure) {
        metrics.modelLoaded(model, took);
    }

    @Override
    public void relayFailed(String providerId, String route, Throwable failure) {
        metrics.relayFailed(providerId, failure);
    }

    /** One call's clock. Tokens arrive one at a time from the generating thread, so plain fields suffice. */
    private static final class MeasuredCall implements Call {
        private final Metrics metrics;
        private final String modelId;
        private final CallSeries series;
        private final boolean stream;
        private final long start;
        private long lastToken;

        MeasuredCall(Metrics metrics, String modelId, CallSeries series, boolean stream, long start) {
            this.metrics = metrics;
            this.modelId = modelId;
            this.series = series;
            this.stream = stream;
            this.start = start;
        }

        @Override
        public void token(int index, long nanoTime) {
            // Without a stream the client sees no token until the end: token timing would describe nobody's wait.
            if (!stream) {
                return;
            }
            if (index == 0) {
                series.timeToFirstToken().observe(Metrics.seconds(nanoTime - start));
            } else {
                series.interTokenLatency().observe(Metrics.seconds(nanoTime - lastToken));
            }
            lastToken = nanoTime;
        }

        @Override
        public void completed(Completion completion) {
            ended();
            series.finished().get(completion.finishReason()).inc();
            series.inputTokens().inc(completion.usage().promptTokens());
            series.outputTokens().inc(completion.usage().completionTokens());
        }

        @Override
        public void embedded(Embeddings embeddings) {
            ended();
            // Embeddings have no finish reason; a served request ends like a generation that stopped naturally.
            series.finished().get(FinishReason.STOP).inc();
            series.inputTokens().inc(embeddings.promptTokens());
        }

        @Override
        public void failed(Throwable failure) {
            ended();
            if (failure instanceof ClientDisconnectedException) {
                series.cancelled().inc();
                return;
            }
            series.failed().inc();
            metrics.providerFailed(modelId, failure);
        }

        private void ended() {
            series.latency().observe(Metrics.seconds(System.nanoTime() - start));
        }
    }
}
