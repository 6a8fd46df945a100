package dev.stackwatch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;
import dev.stackwatch.wire.Json;
import java.io.ByteArrayOutputStream;
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

/**
 * Encoding one chat answer of 16 tokens as the chat handler does: streamed (16 text deltas and the closing chunk) and
 * whole. The {@code templated} benchmarks splice the response's JSON from its kind's {@link ResponseTemplates}, made
 * once; the {@code mapper} baselines write the format's records with the mapper, as the handler did before the
 * templates (streamed: for every chunk; the previous build wrote the two delta templates and the closing chunk).
 * Streamed chunks are gathered in one batch, as the stream gathers those that came in one upstream read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResponseEncodingBenchmark {
    private static final String[] TOKENS = {"Usually", " clearly", " metric", " cluster", ",", ".", " Observe",
        " because", " record", " system", " always", " server", " of", " from", " \"quoted\"", "\n"};

    private final ObjectMapper json = Json.newMapper();
    private final ResponseFormat format = new ChatFormat("chatcmpl-227cfcd760a2812a3bc87792", 1_795_970_181L,
            "llama-3.2-3b-instruct");
    private final ResponseTemplates templates = ResponseTemplates.of(json, ChatFormat::new);
    private final Completion completion = new Completion(String.join("", TOKENS), FinishReason.LENGTH,
            new Usage(24, 16));

    @Benchmark
    public byte[] streamedMapper() {
        ByteArrayOutputStream batch = new ByteArrayOutputStream(1024);
        for (int i = 0; i < TOKENS.length; i++) {
            batch.writeBytes(JsonResponses.encode(json, format.delta(TOKENS[i], i == 0)));
        }
        batch.writeBytes(JsonResponses.encode(json, format.finish(FinishReason.LENGTH)));
        return batch.toByteArray();
    }

    @Benchmark
    public byte[] streamedTemplated() {
        TemplatedResponse response = templates.forResponse(format);
        ByteArrayOutputStream batch = new ByteArrayOutputStream(1024);
        for (int i = 0; i < TOKENS.length; i++) {
            response.writeDelta(TOKENS[i], i == 0, batch);
        }
        batch.writeBytes(response.finish(FinishReason.LENGTH));
        return batch.toByteArray();
    }

    @Benchmark
    public byte[] wholeMapper() {
        return JsonResponses.encode(json, format.whole(completion));
    }

    @Benchmark
    public byte[] wholeTemplated() {
        return templates.forResponse(format).whole(completion);
    }
}
