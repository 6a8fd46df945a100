package dev.stackwatch.bench;

import dev.stackwatch.prom.PromSnapshot;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** Fetches and parses a server's /metrics page. */
final class MetricsScraper {
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI url;

    MetricsScraper(HttpClient http, URI url) {
        this.http = http;
        this.url = url;
    }

    PromSnapshot scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode());
        }
        return PromSnapshot.of(response.body());
    }

    /**
     * Scrapes until {@code settled} holds or {@link #SETTLE} has passed, then returns the last scrape. A server counts a
     * request when its handler returns, which can be just after the client read the last byte.
     */
    PromSnapshot scrapeWhen(Predicate<PromSnapshot> settled) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        PromSnapshot snapshot = scrape();
        while (!settled.test(snapshot) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            snapshot = scrape();
        }
        return snapshot;
    }
}
