package dev.stackwatch.console;

import java.util.List;
import java.util.Map;

/**
 * What /console/data answers: a short history of per-second points for the charts and the current state for the
 * tables. Latencies in milliseconds; a null quantile means nothing was observed in that interval.
 */
public record ConsoleView(List<Point> history, State state, List<RecentErrors.Entry> recentErrors) {

    /** One interval between two reads of the registry, ending at {@code time} (epoch milliseconds). */
    public record Point(long time, double seconds, double requestsPerSecond, double errorsPerSecond,
                        Map<String, Double> errorsPerSecondByStatus, Quantiles latency, Quantiles ttft,
                        Quantiles interToken, double outputTokensPerSecond, double inFlight, double connections) {}

    public record Quantiles(Double p50, Double p95, Double p99) {}

    /** Totals since start and the gauges: readiness, providers, models. {@code ready} is null before it is known. */
    public record State(Boolean ready, double requests, double errors, double outputTokens, List<Provider> providers,
                        List<ModelStatus> models, List<KeyUsage> topKeys) {}

    /** One API key's tokens and estimated spend on this replica since start; the console lists the top few. */
    public record KeyUsage(String key, double tokens, double spend) {}

    public record Provider(String id, boolean healthy) {}

    public record ModelStatus(String id, String provider, boolean ready, Double loadSeconds) {}
}
