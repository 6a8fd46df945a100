package dev.stackwatch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.wire.Json;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding the text deltas of one streamed chat answer of 16 tokens, as the chat handler does for every response:
 * {@code templated} builds the response's {@link DeltaTemplate} (two mapper writes) and splices every token into it;
 * the baseline {@code mapper} turns every token into the format's records and writes them with the mapper, as the
 * handler did before the template.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SseEncodingBenchmark {
    private static final String[] TOKENS = {"Usually", " clearly", " metric", " cluster", ",", ".", " Observe",
        " because", " record", " system", " always", " server", " of", " from", " \"quoted\"", "\n"};

    private final ObjectMapper json = Json.newMapper();
    private final ResponseFormat format = new ChatFormat("chatcmpl-227cfcd760a2812a3bc87792", 1_795_970_181L,
            "llama-3.2-3b-instruct");

    @Benchmark
    public void mapper(Blackhole out) {
        for (int i = 0; i < TOKENS.length; i++) {
            out.consume(JsonResponses.encode(json, format.delta(TOKENS[i], i == 0)));
        }
    }

    @Benchmark
    public void templated(Blackhole out) {
        DeltaTemplate deltas = DeltaTemplate.of(json, format);
        for (int i = 0; i < TOKENS.length; i++) {
            out.consume(deltas.encode(TOKENS[i], i == 0));
        }
    }
}
