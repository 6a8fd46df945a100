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
            PromSnapshot before = scraper == null ? null : scraper.scrape();

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

    private BenchReport.Setup setup() {
        return new BenchReport.Setup(options.baseUrl().toString(), options.model(),
                options.openLoop() ? "rate" : "concurrency", options.concurrency(), options.rate(), options.stream(),
                options.promptTokens().toString(), options.maxTokens().toString());
    }
}
