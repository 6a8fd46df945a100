package dev.stackwatch.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Rewrites one status line on the terminal once a second ({@code \r}, no newline) while the run goes on. */
final class ProgressLine implements AutoCloseable {
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("bench-progress").factory());
    private final PrintStream out;
    private final BenchStats stats;
    private final long startNanos;

    ProgressLine(PrintStream out, BenchStats stats, long startNanos) {
        this.out = out;
        this.stats = stats;
        this.startNanos = startNanos;
        ticker.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
    }

    private void print() {
        BenchStats.Progress p = stats.progress();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.print(String.format(Locale.ROOT, "\r[%5.0fs] sent %d  ok %d  errors %d  in flight %d  %.1f req/s  %.0f tok/s"
                        + "  p50 e2e %.0f ms   ", seconds, p.sent(), p.succeeded(), p.failed(),
                p.sent() - p.succeeded() - p.failed(), p.succeeded() / seconds, p.outputTokens() / seconds,
                p.p50Millis()));
        out.flush();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        out.print("\r" + " ".repeat(100) + "\r");
        out.flush();
    }
}
