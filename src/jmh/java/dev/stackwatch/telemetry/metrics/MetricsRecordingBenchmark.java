package dev.stackwatch.telemetry.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.telemetry.metrics.otlp.OtlpMetrics;
import dev.stackwatch.telemetry.metrics.otlp.OtlpMetricsSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost one streamed chat request of {@value #TOKENS} tokens: the HTTP filter's bookkeeping (in-flight,
 * count, duration) plus the observer's start, one call per token and completion. The baseline runs the same loop,
 * clock reads included (ObservedProvider reads the clock per token whatever the observers), with a no-op observer.
 * {@code streamedChatWithPrometheusAndOtlp} records the same events into both outputs, as with
 * {@code OTEL_METRICS_EXPORTER=prometheus,otlp}; its push interval is an hour, so what is timed is recording alone
 * (the push runs on the reader's own thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsRecordingBenchmark {
    static final int TOKENS = 32;

    private MetricSink prometheus;
    private MetricSink both;
    private OtlpMetrics otlp;
    private InferenceObserver observer;
    private InferenceObserver bothObserver;
    private InferenceObserver noOp;
    private InferenceObserver.CallInfo info;
    private Completion completion;

    @Setup
    public void setUp() {
        Model model = new Model("bench-chat", "simulator", "bench-chat", ModelType.LLM,
                JsonNodeFactory.instance.objectNode());
        Metrics metrics = new Metrics(new PrometheusRegistry(), new BuildInfo("bench"), List.of(model));
        prometheus = new PrometheusSink(metrics);
        observer = new MetricsObserver(metrics, prometheus);
        otlp = OtlpMetrics.start(new OtlpMetricsSettings(URI.create("http://127.0.0.1:9/v1/metrics"), Map.of(),
                Map.of("service.name", "bench"), Duration.ofHours(1), Duration.ofSeconds(1),
                OtlpMetricsSettings.Temporality.CUMULATIVE), Set.of(model.id()), () -> { });
        both = MetricSink.of(List.of(prometheus, otlp.sink()));
        bothObserver = new MetricsObserver(metrics, both);
        noOp = callInfo -> new InferenceObserver.Call() {};
        info = new InferenceObserver.CallInfo(Operation.CHAT, model, "inline::simulator", true, null, null, null,
                Exchange.detached());
        completion = new Completion("text", FinishReason.STOP, new Usage(20, TOKENS));
    }

    @TearDown
    public void tearDown() {
        otlp.close();
    }

    @Benchmark
    public InferenceObserver.Call streamedChatWithMetrics() {
        return request(prometheus, observer);
    }

    @Benchmark
    public InferenceObserver.Call streamedChatWithPrometheusAndOtlp() {
        return request(both, bothObserver);
    }

    /** What HttpMetricsFilter does around the request, with the provider call inside. */
    private InferenceObserver.Call request(MetricSink sink, InferenceObserver o) {
        long start = System.nanoTime();
        sink.requestStarted("POST", false);
        InferenceObserver.Call call = stream(o);
        sink.requestFinished("POST", false, "/v1/chat/completions", 200, System.nanoTime() - start);
        return call;
    }

    @Benchmark
    public InferenceObserver.Call baselineNoOpObserver() {
        long start = System.nanoTime();
        InferenceObserver.Call call = stream(noOp);
        return start == 0 ? null : call;
    }

    private InferenceObserver.Call stream(InferenceObserver o) {
        InferenceObserver.Call call = o.start(info);
        for (int i = 0; i < TOKENS; i++) {
            call.token(i, System.nanoTime());
        }
        call.completed(completion);
        return call;
    }
}
