package dev.stackwatch.console;

import dev.stackwatch.prom.BucketHistogram;
import dev.stackwatch.prom.PromSample;
import dev.stackwatch.prom.PromSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns reads of the metrics registry into the console's view. There is no second bookkeeping: every figure is a
 * delta between two scrapes of the same registry /metrics serves. Reads happen when the console asks (no thread of
 * its own); a new point is taken only when the last is at least {@link #MIN_INTERVAL_NANOS} old, so several open
 * pages do not shrink the intervals. The sampler is made before the server serves anything, when every counter and
 * histogram it reads is zero: that is its first read, so the page's first request already gets a point covering
 * everything since start, instead of an all-dashes first view, and start-up pays for no scrape.
 */
public final class ConsoleSampler {
    static final long MIN_INTERVAL_NANOS = 900_000_000L;
    private static final int HISTORY = 120;
    private static final String REQUESTS = "llamastack_requests_total";
    private static final int TOP_KEYS = 5;

    private final Supplier<String> exposition;
    private final Supplier<MetricSnapshots> snapshots;
    private final RecentErrors errors;
    private final LongSupplier nanoClock;
    private final Deque<ConsoleView.Point> history = new ArrayDeque<>();
    private PromSnapshot last;
    private MetricSnapshots lastNative;
    private long lastNanos;

    /**
     * {@code registry} renders the registry in the Prometheus text format, exactly as /metrics would, and as snapshots,
     * where latency quantiles come from the native histogram buckets.
     */
    public ConsoleSampler(RegistryText registry, RecentErrors errors) {
        this(registry, registry::snapshots, errors, System::nanoTime);
    }

    /** With a clock of the caller's, so tests can step time instead of waiting for it. */
    ConsoleSampler(Supplier<String> exposition, Supplier<MetricSnapshots> snapshots, RecentErrors errors,
                   LongSupplier nanoClock) {
        this.exposition = exposition;
        this.snapshots = snapshots;
        this.errors = errors;
        this.nanoClock = nanoClock;
        last = PromSnapshot.of("");
        lastNative = MetricSnapshots.builder().build();
        lastNanos = nanoClock.getAsLong();
    }

    public synchronized ConsoleView view() {
        PromSnapshot now = PromSnapshot.of(exposition.get());
        MetricSnapshots nowNative = snapshots.get();
        long nanos = nanoClock.getAsLong();
        if (nanos - lastNanos >= MIN_INTERVAL_NANOS) {
            history.addLast(point(last, now, lastNative, nowNative, (nanos - lastNanos) / 1e9));
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
            last = now;
            lastNative = nowNative;
            lastNanos = nanos;
        }
        return new ConsoleView(List.copyOf(history), state(now), errors.newestFirst());
    }

    private static ConsoleView.Point point(PromSnapshot before, PromSnapshot after, MetricSnapshots nativeBefore,
                                           MetricSnapshots nativeAfter, double seconds) {
        Map<String, Double> errorsByStatus = new TreeMap<>();
        for (PromSample s : after.samples()) {
            String status = s.labels().get("status");
            if (s.name().equals(REQUESTS) && isError(status)) {
                double delta = s.value() - before.sum(REQUESTS, s.labels());
                if (delta > 0) {
                    errorsByStatus.merge(status, delta / seconds, Double::sum);
                }
            }
        }
        return new ConsoleView.Point(System.currentTimeMillis(), seconds,
                rate(before, after, REQUESTS, Map.of(), seconds),
                errorsByStatus.values().stream().mapToDouble(Double::doubleValue).sum(),
                errorsByStatus,
                quantiles(before, after, nativeBefore, nativeAfter, "llamastack_request_duration_seconds"),
                quantiles(before, after, nativeBefore, nativeAfter, "llamastack_time_to_first_token_seconds"),
                quantiles(before, after, nativeBefore, nativeAfter, "llamastack_inter_token_latency_seconds"),
                rate(before, after, "llamastack_tokens_total", Map.of("type", "output"), seconds),
                after.sum("llamastack_requests_in_flight", Map.of()),
                after.sum("llamastack_active_connections", Map.of()));
    }

    private static double rate(PromSnapshot before, PromSnapshot after, String name, Map<String, String> match,
                               double seconds) {
        return Math.max(0, after.sum(name, match) - before.sum(name, match)) / seconds;
    }

    /**
     * From the native buckets when the interval has observations there (within {@link NativeQuantiles#relativeError}
     * above the true quantile); from the classic buckets otherwise, as histogram_quantile would.
     */
    private static ConsoleView.Quantiles quantiles(PromSnapshot before, PromSnapshot after,
                                                   MetricSnapshots nativeBefore, MetricSnapshots nativeAfter,
                                                   String histogram) {
        NativeQuantiles n = NativeQuantiles.delta(NativeQuantiles.of(nativeBefore, histogram),
                NativeQuantiles.of(nativeAfter, histogram));
        if (n.count() > 0) {
            return new ConsoleView.Quantiles(millis(n.quantile(0.5)), millis(n.quantile(0.95)),
                    millis(n.quantile(0.99)));
        }
        BucketHistogram d = BucketHistogram.delta(before.buckets(histogram, Map.of()), after.buckets(histogram, Map.of()));
        return new ConsoleView.Quantiles(millis(d.quantile(0.5)), millis(d.quantile(0.95)), millis(d.quantile(0.99)));
    }

    private static boolean isError(String status) {
        return status != null && status.matches("\\d{3}") && Integer.parseInt(status) >= 400;
    }

    /** NaN (no observations) becomes null, which JSON can carry and the page shows as a dash. */
    private static Double millis(double seconds) {
        return Double.isNaN(seconds) ? null : seconds * 1000;
    }

    private static ConsoleView.State state(PromSnapshot now) {
        List<ConsoleView.Provider> providers = new ArrayList<>();
        List<ConsoleView.ModelStatus> models = new ArrayList<>();
        Boolean ready = null;
        for (PromSample s : now.samples()) {
            switch (s.name()) {
                case "llamastack_ready" -> ready = s.value() == 1;
                case "llamastack_provider_health" -> providers.add(
                        new ConsoleView.Provider(s.labels().get("provider"), s.value() == 1));
                case "llamastack_model_ready" -> {
                    Map<String, String> key = Map.of("model", s.labels().get("model"),
                            "provider", s.labels().get("provider"));
                    boolean loaded = now.samples().stream().anyMatch(
                            l -> l.name().equals("llamastack_model_load_time_seconds") && l.matches(key));
                    models.add(new ConsoleView.ModelStatus(key.get("model"), key.get("provider"), s.value() == 1,
                            loaded ? now.sum("llamastack_model_load_time_seconds", key) : null));
                }
                default -> { }
            }
        }
        providers.sort(Comparator.comparing(ConsoleView.Provider::id));
        models.sort(Comparator.comparing(ConsoleView.ModelStatus::id));
        double requests = now.sum(REQUESTS, Map.of());
        double errorsTotal = now.samples().stream().filter(s -> s.name().equals(REQUESTS)
                && isError(s.labels().get("status"))).mapToDouble(PromSample::value).sum();
        return new ConsoleView.State(ready, requests, errorsTotal,
                now.sum("llamastack_tokens_total", Map.of("type", "output")), providers, models, topKeys(now));
    }

    /** The keys that spent most (by tokens where nothing is priced), from the per-key counters. */
    private static List<ConsoleView.KeyUsage> topKeys(PromSnapshot now) {
        Map<String, double[]> byKey = new TreeMap<>();
        for (PromSample s : now.samples()) {
            int column = switch (s.name()) {
                case "llamastack_key_tokens_total" -> 0;
                case "llamastack_spend_total" -> 1;
                default -> -1;
            };
            if (column >= 0) {
                byKey.computeIfAbsent(s.labels().get("key"), k -> new double[2])[column] += s.value();
            }
        }
        return byKey.entrySet().stream()
                .map(e -> new ConsoleView.KeyUsage(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingDouble(ConsoleView.KeyUsage::spend)
                        .thenComparingDouble(ConsoleView.KeyUsage::tokens).reversed())
                .limit(TOP_KEYS).toList();
    }
}
