package dev.stackwatch.telemetry.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.Usage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost one streamed chat request of {@value #TOKENS} tokens: the HTTP filter's bookkeeping (in-flight,
 * count, duration) plus the observer's start, one call per token and completion. The baseline runs the same loop,
 * clock reads included (ObservedProvider reads the clock per token whatever the observers), with a no-op observer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsRecordingBenchmark {
    static final int TOKENS = 32;

    private Metrics metrics;
    private InferenceObserver observer;
    private InferenceObserver noOp;
    private InferenceObserver.CallInfo info;
    private Completion completion;

    @Setup
    public void setUp() {
        Model model = new Model("bench-chat", "simulator", "bench-chat", ModelType.LLM,
                JsonNodeFactory.instance.objectNode());
        metrics = new Metrics(new PrometheusRegistry(), new BuildInfo("bench"), List.of(model));
        observer = new MetricsObserver(metrics);
        noOp = callInfo -> new InferenceObserver.Call() {};
        info = new InferenceObserver.CallInfo(Operation.CHAT, model, "inline::simulator", true, null, null);
        completion = new Completion("text", FinishReason.STOP, new Usage(20, TOKENS));
    }

    @Benchmark
    public InferenceObserver.Call streamedChatWithMetrics() {
        long start = System.nanoTime();
        metrics.requestStarted();
        InferenceObserver.Call call = stream(observer);
        metrics.requestFinished("POST", "/v1/chat/completions", 200, System.nanoTime() - start);
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
