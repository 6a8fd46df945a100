package dev.stackwatch.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What one benchmark run does. Exactly one of {@code concurrency} (closed loop) or {@code rate} (open loop, requests
 * per second) drives the load; the run ends after {@code requests} requests or {@code duration}, whichever comes first.
 * {@code requests} 0 or {@code duration} null means "no such limit"; at least one is set.
 */
public record BenchOptions(URI baseUrl, String model, int concurrency, double rate, boolean stream, Duration duration,
                           long requests, TokenRange promptTokens, TokenRange maxTokens, Duration timeout,
                           Path jsonFile, URI compareMetrics, boolean progress) {
    public BenchOptions {
        if (concurrency > 0 == rate > 0) {
            throw new IllegalArgumentException("give either --concurrency or --rate");
        }
        if (requests <= 0 && duration == null) {
            throw new IllegalArgumentException("give --duration or --requests");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("--model is required");
        }
    }

    public boolean openLoop() {
        return rate > 0;
    }

    /** The chat completions URL under the base URL, e.g. {@code http://h:8321/v1/chat/completions}. */
    public URI chatUrl() {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    }
}
