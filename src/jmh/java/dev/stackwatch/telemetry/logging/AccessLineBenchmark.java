package dev.stackwatch.telemetry.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One access line of a whole chat completion, as {@link AccessLogFilter} logs it, from the event builder through the
 * shipped set-up ({@link LogbackSetup}) in each format, to a standard output that drops the bytes: the line's CPU
 * without the system call. The class uses nothing but logback and the set-up, so the same compiled benchmark runs
 * against another build's classes (put them first on the class path) for a comparison in one sitting.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AccessLineBenchmark {
    @Param({"text", "json"})
    public String format;

    private LoggerContext context;
    private Logger access;
    private PrintStream stdout;

    @Setup
    public void setUp() {
        context = new LoggerContext();
        context.putProperty("LOG_FORMAT", format);
        context.setMDCAdapter(MDC.getMDCAdapter());
        stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        new LogbackSetup().configure(context);
        access = context.getLogger("stackwatch.access");
        MDC.put("request_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
        MDC.put("span_id", "b7ad6b7169203331");
    }

    @TearDown
    public void tearDown() {
        MDC.clear();
        context.stop();
        System.setOut(stdout);
    }

    @Benchmark
    public void line() {
        long durationMs = 25;
        LoggingEventBuilder event = access.atInfo()
                .addKeyValue("event", "access")
                .addKeyValue("method", "POST")
                .addKeyValue("endpoint", "/v1/chat/completions")
                .addKeyValue("status", 200)
                .addKeyValue("duration_ms", 24.87)
                .addKeyValue("bytes", 612L)
                .addKeyValue("client_address", "127.0.0.1")
                .addKeyValue("model", "llama-3.2-3b-instruct")
                .addKeyValue("provider", "vllm")
                .addKeyValue("stream", false)
                .addKeyValue("input_tokens", 12L)
                .addKeyValue("output_tokens", 16L)
                .addKeyValue("finish_reason", "stop");
        event.log("{} {} {} {} ms", "POST", "/v1/chat/completions", 200, durationMs);
    }
}
