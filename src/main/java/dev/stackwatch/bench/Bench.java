package dev.stackwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.prom.PromSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** One benchmark run: optional scrape, load, optional scrape, report. */
public final class Bench {
    private final BenchOptions options;
    private final ObjectMapper json;

    public Bench(BenchOptions options, ObjectMapper json) {
        this.options = options;
        this.json = json;
    }

    /** Runs the load; progress goes to {@code progressOut} when the options ask for it. */
    public BenchReport run(PrintStream progressOut) throws IOException, InterruptedException {
        // HTTP/1.1 as most LLM clients use it: one connection per request in flight, no h2c upgrade round trip.
        try (ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
             HttpClient http = HttpClient.newBuilder().executor(io).version(HttpClient.Version.HTTP_1_1)
                     .connectTimeout(Duration.ofSeconds(10)).build()) {
            MetricsScraper scraper = options.compareMetrics() == null ? null
                    : new MetricsScraper(http, options.compareMetrics());
            PromSnapshot before = scraper == null ? null : warmUp(http, scraper);

            BenchStats stats = new BenchStats();
            LoadDriver driver = new LoadDriver(options, new ChatRequester(http, json, options), stats);
            long start = System.nanoTime();
            ProgressLine progress = options.progress() ? new ProgressLine(progressOut, stats, start) : null;
            try {
                driver.run(start);
            } finally {
                if (progress != null) {
                    progress.close();
                }
            }
            BenchReport report = new BenchReport(setup(), stats.totals(start), stats.ttft(), stats.interToken(),
                    stats.endToEnd(), null);
            if (scraper == null) {
                return report;
            }
            String endpoint = options.chatUrl().getPath();
            long responses = report.totals().responses();
            PromSnapshot after = scraper.scrapeWhen(s -> MetricsComparison.serverRequests(before, s, endpoint) >= responses);
            return report.withComparison(MetricsComparison.of(report, before, after, endpoint, options.model()));
        }
    }

    /**
     * Before a compared run, {@link #warmUpRequests()} requests that neither side counts: the first requests pay for
     * new connections and both JVMs' cold code on paths the server's clock and the client's cover differently, and
     * on a small run they are the whole tail. Returns the scrape that starts the compared run.
     */
    private PromSnapshot warmUp(HttpClient http, MetricsScraper scraper) throws IOException, InterruptedException {
        PromSnapshot initial = scraper.scrape();
        BenchOptions warm = new BenchOptions(options.baseUrl(), options.model(), slots(), 0, options.stream(), null,
                warmUpRequests(), options.promptTokens(), options.maxTokens(), options.timeout(), null, null, false);
        BenchStats stats = new BenchStats();
        long start = System.nanoTime();
        new LoadDriver(warm, new ChatRequester(http, json, warm), stats).run(start);
        long responses = stats.totals(start).responses();
        String endpoint = options.chatUrl().getPath();
        return scraper.scrapeWhen(s -> MetricsComparison.serverRequests(initial, s, endpoint) >= responses);
    }

    /** Requests the run keeps in flight: its concurrency, or about one second's worth at its rate. */
    private int slots() {
        return options.openLoop() ? (int) Math.max(1, Math.ceil(options.rate())) : options.concurrency();
    }

    int warmUpRequests() {
        return 2 * slots();
    }

    private BenchReport.Setup setup() {
        return new BenchReport.Setup(options.baseUrl().toString(), options.model(),
                options.openLoop() ? "rate" : "concurrency", options.concurrency(), options.rate(), options.stream(),
                options.promptTokens().toString(), options.maxTokens().toString());
    }
}
