package dev.stackwatch.bench;

import java.util.Locale;
import java.util.Map;

/** The human-readable summary printed at the end of a run. */
public final class ReportTable {
    private ReportTable() {
    }

    public static String format(BenchReport r) {
        StringBuilder out = new StringBuilder();
        BenchReport.Setup s = r.setup();
        BenchReport.Totals t = r.totals();
        line(out, "target        %s  model %s  %s", s.url(), s.model(), s.stream() ? "streamed" : "not streamed");
        line(out, "load          %s", s.mode().equals("rate") ? "open loop, " + fmt(s.rate()) + " req/s"
                : "closed loop, concurrency " + s.concurrency());
        line(out, "requests      %d sent, %d ok, %d failed in %.2f s", t.requests(), t.succeeded(), t.failed(), t.seconds());
        if (!t.errorsByKind().isEmpty()) {
            line(out, "errors        %s", join(t.errorsByKind()));
        }
        line(out, "statuses      %s", t.responsesByStatus().isEmpty() ? "none" : join(t.responsesByStatus()));
        line(out, "throughput    %.2f req/s, %.1f output tokens/s (%d tokens)", t.requestsPerSecond(),
                t.outputTokensPerSecond(), t.outputTokens());
        line(out, "");
        line(out, "%-14s %8s %10s %10s %10s %10s %10s %10s", "latency (ms)", "count", "mean", "p50", "p90", "p95", "p99", "max");
        latency(out, "ttft", r.ttft());
        latency(out, "inter-token", r.interToken());
        latency(out, "end-to-end", r.endToEnd());
        if (r.comparison() != null) {
            line(out, "");
            line(out, "%-22s %12s %12s %20s  %s", "client vs server", "client", "server", "client must be in", "");
            for (MetricsComparison.Row row : r.comparison().rows()) {
                line(out, "%-22s %12s %12s %20s  %s", row.metric(), fmt(row.client()), fmt(row.server()),
                        row.low() == row.high() ? "exact" : fmt(row.low()) + ".." + fmt(row.high()),
                        row.agrees() ? "ok" : "DISAGREES");
            }
            line(out, r.comparison().agrees() ? "client and server agree" : "client and server DISAGREE");
        }
        return out.toString();
    }

    private static void latency(StringBuilder out, String name, BenchReport.Latency l) {
        if (l.count() == 0) {
            line(out, "%-14s %8d %10s", name, 0, "-");
            return;
        }
        line(out, "%-14s %8d %10s %10s %10s %10s %10s %10s", name, l.count(), fmt(l.mean()), fmt(l.p50()), fmt(l.p90()),
                fmt(l.p95()), fmt(l.p99()), fmt(l.max()));
    }

    private static String join(Map<?, Long> counts) {
        StringBuilder b = new StringBuilder();
        counts.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(": ").append(v));
        return b.toString();
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return "inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
