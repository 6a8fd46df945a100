package dev.stackwatch.provider.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.wire.ByteSlice;
import dev.stackwatch.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Reading one streamed chat answer of 16 deltas, a closing chunk and a usage chunk, as an OpenAI-compatible server
 * sends them (vLLM's field order): {@code stream} is how the OpenAI provider reads them now ({@link StreamChunkReader},
 * one per answer); {@code scan} is {@link ChunkScanner} on every chunk, as it read them before; {@code tree} builds
 * each chunk's tree with the mapper, as the provider did before the scanner.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChunkReadingBenchmark {
    private static final String HEAD = "{\"id\":\"chatcmpl-227cfcd760a2812a3bc87792\","
            + "\"object\":\"chat.completion.chunk\","
            + "\"created\":1795970181,\"model\":\"meta-llama/Llama-3.2-3B-Instruct\",\"system_fingerprint\":null,";

    private final ObjectMapper json = Json.newMapper();
    private final byte[][] chunks = new byte[18][];

    public ChunkReadingBenchmark() {
        for (int i = 0; i < 16; i++) {
            chunks[i] = bytes(HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\" token"
                    + i + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
        }
        chunks[16] = bytes(HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                + "\"finish_reason\":\"length\"}],\"usage\":null}");
        chunks[17] = bytes(HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":16,"
                + "\"total_tokens\":40}}");
    }

    @Benchmark
    public void scan(Blackhole out) throws IOException {
        for (byte[] chunk : chunks) {
            out.consume(ChunkScanner.scan(json, ByteSlice.of(chunk)));
        }
    }

    @Benchmark
    public void stream(Blackhole out) throws IOException {
        StreamChunkReader reader = new StreamChunkReader();
        for (byte[] chunk : chunks) {
            out.consume(reader.read(json, ByteSlice.of(chunk)));
        }
    }

    @Benchmark
    public void tree(Blackhole out) throws IOException {
        for (byte[] chunk : chunks) {
            out.consume(json.readTree(chunk));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
