package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.Model;
import java.time.Duration;

/**
 * Times every provider call once (latency, time to first token, inter-token gaps) and hands each measurement, with
 * the call's tokens and outcome, to the {@link MetricSink}: Prometheus, and OTLP when it is on.
 */
public final class MetricsObserver implements InferenceObserver {
    private final Metrics metrics;
    private final MetricSink sink;

    /** Prometheus only. */
    public MetricsObserver(Metrics metrics) {
        this(metrics, new PrometheusSink(metrics));
    }

    public MetricsObserver(Metrics metrics, MetricSink sink) {
        this.metrics = metrics;
        this.sink = sink;
    }

    @Override
    public Call start(CallInfo info) {
        // Time to first token counts from the request's arrival, the point the client's clock starts from too.
        long now = System.nanoTime();
        long arrival = info.generation() == null ? now : info.generation().receivedNanos();
        return new MeasuredCall(sink.call(info), info.stream(), now, arrival);
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
        private final MetricSink.CallRecorder recorder;
        private final boolean stream;
        private final long start;
        private final long arrival;
        private long firstToken = -1;
        private long lastToken;

        MeasuredCall(MetricSink.CallRecorder recorder, boolean stream, long start, long arrival) {
            this.recorder = recorder;
            this.stream = stream;
            this.start = start;
            this.arrival = arrival;
        }

        @Override
        public void token(int index, long nanoTime) {
            // Without a stream the client sees no token until the end: token timing would describe nobody's wait.
            if (!stream) {
                return;
            }
            if (index == 0) {
                firstToken = nanoTime;
                recorder.firstToken(nanoTime - arrival);
            } else {
                recorder.nextToken(nanoTime - lastToken);
            }
            lastToken = nanoTime;
        }

        @Override
        public void completed(Completion completion) {
            long now = System.nanoTime();
            recorder.completed(completion, now - start, firstToken < 0 ? -1 : now - firstToken);
        }

        @Override
        public void embedded(Embeddings embeddings) {
            recorder.embedded(embeddings.promptTokens(), System.nanoTime() - start);
        }

        @Override
        public void failed(Throwable failure) {
            recorder.failed(failure, System.nanoTime() - start);
        }
    }
}
