package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver.CallInfo;

/** The {@code llamastack_*} series in the Prometheus registry: what /metrics and the console read. */
public final class PrometheusSink implements MetricSink {
    private final Metrics metrics;

    public PrometheusSink(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void requestStarted(String method, boolean secure) {
        metrics.requestStarted();
    }

    @Override
    public void requestFinished(String method, boolean secure, String route, int status, long nanos) {
        metrics.requestFinished(method, route, status, nanos);
    }

    @Override
    public CallRecorder call(CallInfo info) {
        return new Recorder(metrics, info.model().id(), metrics.call(info.model(), info.operation(), info.stream()));
    }

    /** Writes into the call's already-labelled series: a token costs one histogram observation. */
    private record Recorder(Metrics metrics, String modelId, CallSeries series) implements CallRecorder {
        @Override
        public void firstToken(long sinceArrival) {
            series.timeToFirstToken().observe(Metrics.seconds(sinceArrival));
        }

        @Override
        public void nextToken(long gap) {
            series.interTokenLatency().observe(Metrics.seconds(gap));
        }

        @Override
        public void completed(Completion completion, long duration, long sinceFirstToken) {
            series.latency().observe(Metrics.seconds(duration));
            series.finished().get(completion.finishReason()).inc();
            series.inputTokens().inc(completion.usage().promptTokens());
            series.outputTokens().inc(completion.usage().completionTokens());
        }

        @Override
        public void embedded(int inputTokens, long duration) {
            series.latency().observe(Metrics.seconds(duration));
            // Embeddings have no finish reason; a served request ends like a generation that stopped naturally.
            series.finished().get(FinishReason.STOP).inc();
            series.inputTokens().inc(inputTokens);
        }

        @Override
        public void failed(Throwable failure, long duration) {
            series.latency().observe(Metrics.seconds(duration));
            if (failure instanceof ClientDisconnectedException) {
                series.cancelled().inc();
                return;
            }
            series.failed().inc();
            metrics.providerFailed(modelId, failure);
        }
    }
}
