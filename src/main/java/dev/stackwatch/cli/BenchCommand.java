package dev.stackwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stackwatch.bench.Bench;
import dev.stackwatch.bench.BenchOptions;
import dev.stackwatch.bench.BenchReport;
import dev.stackwatch.bench.DurationText;
import dev.stackwatch.bench.ReportTable;
import dev.stackwatch.bench.TokenRange;
import dev.stackwatch.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code stackwatch bench}: load against any OpenAI-compatible server, a latency summary, and optionally the server's
 * own /metrics beside it. Exit code 1 when {@code --compare-metrics} finds client and server disagreeing.
 */
final class BenchCommand {
    static final String USAGE = """
            usage: java -jar stackwatch.jar bench --model ID [options]
              --url URL              OpenAI-compatible base URL (default http://127.0.0.1:8321/v1)
              --model ID             model to request (required)
              --concurrency N        closed loop: N requests in flight, each sent when the last one ends (default 8)
              --rate R               open loop: R requests per second on a fixed schedule; latency counts from the
                                     scheduled send time, so a slow server cannot hide queueing
              --stream               stream responses (SSE) and measure time to first token and inter-token latency
              --duration D           run for D (e.g. 30s, 2m; default 30s unless --requests is given)
              --requests N           stop after N requests (with --duration, whichever comes first)
              --prompt-tokens A[:B]  prompt length in tokens, uniform in A..B (default 64)
              --max-tokens A[:B]     max_tokens per request, uniform in A..B (default 128)
              --timeout D            per-request timeout (default 60s)
              --json FILE            also write the summary as JSON
              --compare-metrics URL  scrape the server's Prometheus /metrics before and after and compare its counts
                                     and latency quantiles with the client's (exit code 1 if they disagree);
                                     2 x concurrency warm-up requests first, counted by neither side
              --no-progress          no live progress line on stderr""";

    private BenchCommand() {
    }

    static int run(String[] argv) throws InterruptedException {
        Args args = new Args(argv, Set.of("url", "model", "concurrency", "rate", "stream", "duration", "requests",
                "prompt-tokens", "max-tokens", "timeout", "json", "compare-metrics", "no-progress", "help"),
                Set.of("stream", "no-progress"));
        if (args.has("help")) {
            System.out.println(USAGE);
            return 0;
        }
        BenchOptions options = options(args);
        ObjectMapper json = Json.newMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            BenchReport report = new Bench(options, json).run(System.err);
            System.out.print(ReportTable.format(report));
            if (options.jsonFile() != null) {
                json.writeValue(options.jsonFile().toFile(), report);
            }
            return report.comparison() == null || report.comparison().agrees() ? 0 : 1;
        } catch (IOException e) {
            System.err.println("stackwatch bench: " + e.getMessage());
            return 1;
        }
    }

    private static BenchOptions options(Args args) {
        try {
            boolean rate = args.has("rate");
            boolean bounded = args.has("requests");
            String duration = args.get("duration", bounded ? null : "30s");
            return new BenchOptions(
                    URI.create(args.get("url", "http://127.0.0.1:8321/v1")),
                    args.get("model", null),
                    args.has("concurrency") ? positive("concurrency", args.get("concurrency", "")) : rate ? 0 : 8,
                    rate ? Double.parseDouble(args.get("rate", "")) : 0,
                    flag(args, "stream"),
                    duration == null ? null : DurationText.parse(duration),
                    bounded ? positive("requests", args.get("requests", "")) : 0,
                    TokenRange.parse(args.get("prompt-tokens", "64")),
                    TokenRange.parse(args.get("max-tokens", "128")),
                    DurationText.parse(args.get("timeout", "60s")),
                    args.has("json") ? Path.of(args.get("json", "")) : null,
                    args.has("compare-metrics") ? URI.create(args.get("compare-metrics", "")) : null,
                    !flag(args, "no-progress"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("bench: " + e.getMessage());
        }
    }

    /** {@code --stream=false} turns a flag off again, handy in scripts that build option lists. */
    private static boolean flag(Args args, String name) {
        return args.has(name) && !args.get(name, "true").equals("false");
    }

    private static int positive(String name, String value) {
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1, got " + n);
        }
        return n;
    }
}
