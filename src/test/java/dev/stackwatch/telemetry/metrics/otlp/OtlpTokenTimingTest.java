package dev.stackwatch.telemetry.metrics.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.ChatMessage;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.SamplingParams;
import dev.stackwatch.inference.UpstreamHeaders;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.telemetry.metrics.Metrics;
import dev.stackwatch.telemetry.metrics.MetricsObserver;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-token measure of a stream whose tokens all reach Stackwatch in one upstream read, as a fast upstream's
 * do. The call starts a while after the request arrived (parsing, routing), which is where time to first token
 * starts; the time per output token must not be derived from both clocks, or it comes out negative and the SDK
 * drops it.
 */
class OtlpTokenTimingTest {
    private static final Model MODEL = new Model("sim-chat", "simulator", "sim-chat", ModelType.LLM,
            JsonNodeFactory.instance.objectNode());

    @Test
    void aStreamWhoseTokensArriveAtOnceAfterASlowStartHasItsTimePerOutputToken() {
        PullReader reader = new PullReader();
        try (SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            OtlpSink sink = new OtlpSink(meters.get("test"), Set.of(MODEL.id()));
            MetricsObserver observer = new MetricsObserver(
                    new Metrics(new PrometheusRegistry(), new BuildInfo("test"), List.of(MODEL)), sink);
            long arrived = System.nanoTime() - Duration.ofMillis(50).toNanos();
            InferenceObserver.Call call = observer.start(new InferenceObserver.CallInfo(Operation.CHAT, MODEL,
                    "remote::vllm", true, request(arrived), null, null, Exchange.detached()));
            long burst = System.nanoTime();
            for (int i = 0; i < 16; i++) {
                call.token(i, burst);
            }
            call.completed(new Completion("text", FinishReason.STOP, new Usage(8, 16)));
            long sinceBurst = System.nanoTime() - burst;

            HistogramPointData perToken = onlyPoint(reader.collect(), "gen_ai.server.time_per_output_token");
            assertEquals(1, perToken.getCount(), "one value for the stream");
            assertTrue(perToken.getSum() >= 0 && perToken.getSum() <= sinceBurst / 1e9 / 15,
                    "from the burst to the end, over 15 tokens: " + perToken.getSum());
            HistogramPointData firstToken = onlyPoint(reader.collect(), "gen_ai.server.time_to_first_token");
            assertTrue(firstToken.getSum() >= 0.05, "from the request's arrival: " + firstToken.getSum());
        }
    }

    private static GenerationRequest request(long receivedNanos) {
        return new GenerationRequest(Operation.CHAT, MODEL, List.of(new ChatMessage("user", "hi")), null,
                SamplingParams.DEFAULTS, true, null, receivedNanos, UpstreamHeaders.NONE, Exchange.detached());
    }

    private static HistogramPointData onlyPoint(Collection<MetricData> metrics, String name) {
        List<HistogramPointData> points = metrics.stream().filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getHistogramData().getPoints().stream()).toList();
        assertEquals(1, points.size(), name + " in " + metrics);
        return points.getFirst();
    }

    /** Collects on demand, as a test wants; the SDK's periodic reader would push on its own schedule. */
    private static final class PullReader implements MetricReader {
        private CollectionRegistration registration = CollectionRegistration.noop();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        Collection<MetricData> collect() {
            return registration.collectAllMetrics();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public MemoryMode getMemoryMode() {
            return MemoryMode.IMMUTABLE_DATA;
        }

        @Override
        public io.opentelemetry.sdk.common.CompletableResultCode forceFlush() {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
        }

        @Override
        public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
        }
    }
}
