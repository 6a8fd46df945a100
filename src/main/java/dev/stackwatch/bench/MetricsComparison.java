package dev.stackwatch.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stackwatch.prom.BucketHistogram;
import dev.stackwatch.prom.PromSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The client's view of a run beside the server's, from two scrapes of the server's /metrics. Counts must match
 * exactly. Both sides time the same span (the server from the request's arrival to the first token's bytes written,
 * the client from sending to reading them), so each client quantile must lie in or next to the bucket that holds the
 * server's: the server knows the quantile only to within that bucket, and one bucket width on either side allows for
 * what the server cannot see (the loopback hop, the client's parsing and scheduling on a busy machine) moving an
 * observation into the neighbouring bucket. A delay of more than a bucket in front of the server is a disagreement.
 */
public record MetricsComparison(List<Row> rows) {
    static final String REQUESTS = "llamastack_requests_total";
    static final String TTFT = "llamastack_time_to_first_token_seconds";
    static final String INTER_TOKEN = "llamastack_inter_token_latency_seconds";
    static final String REQUEST_DURATION = "llamastack_request_duration_seconds";
    private static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99};
    /** Added to the bucket's range: the buckets near 0 are 1 ms wide, finer than a loopback hop and an SSE parse. */
    static final double SLACK_MILLIS = 5;
    /** The client's histograms keep 3 significant digits: a reported value may sit up to 0.1% above the true one. */
    private static final double CLIENT_PRECISION = 1.001;

    public MetricsComparison {
        rows = List.copyOf(rows);
    }

    /**
     * One compared figure; latencies in milliseconds. {@code low..high} is where the client's figure must lie: the
     * server's bucket widened by the slack for latencies, the server's count itself for counts.
     */
    public record Row(String metric, double client, double server, double low, double high, boolean agrees) {}

    @JsonProperty("agrees")
    public boolean agrees() {
        return rows.stream().allMatch(Row::agrees);
    }

    /** Requests to {@code endpoint} (a path such as /v1/chat/completions) between the two scrapes, all statuses. */
    static double serverRequests(PromSnapshot before, PromSnapshot after, String endpoint) {
        Map<String, String> match = Map.of("method", "POST", "endpoint", endpoint);
        return after.sum(REQUESTS, match) - before.sum(REQUESTS, match);
    }

    static MetricsComparison of(BenchReport report, PromSnapshot before, PromSnapshot after, String endpoint,
                                String model) {
        List<Row> rows = new ArrayList<>();
        BenchReport.Totals totals = report.totals();
        rows.add(count("requests", totals.responses(), serverRequests(before, after, endpoint)));
        TreeSet<String> statuses = new TreeSet<>();
        totals.responsesByStatus().keySet().forEach(s -> statuses.add(Integer.toString(s)));
        after.samples().stream().filter(s -> s.name().equals(REQUESTS) && endpoint.equals(s.labels().get("endpoint")))
                .map(s -> s.labels().get("status")).filter(s -> s != null).forEach(statuses::add);
        for (String status : statuses) {
            Map<String, String> match = Map.of("method", "POST", "endpoint", endpoint, "status", status);
            double server = after.sum(REQUESTS, match) - before.sum(REQUESTS, match);
            long client = totals.responsesByStatus().getOrDefault(Integer.parseInt(status), 0L);
            if (server != 0 || client != 0) {
                rows.add(count("requests status=" + status, client, server));
            }
        }
        Map<String, String> byModel = Map.of("model", model);
        if (report.setup().stream()) {
            quantiles(rows, "ttft", report.ttft(), histogram(before, after, TTFT, byModel));
            quantiles(rows, "inter-token", report.interToken(), histogram(before, after, INTER_TOKEN, byModel));
        }
        // The HTTP duration spans what the client's end-to-end time does; the provider's time is a part of it only.
        quantiles(rows, "e2e http", report.endToEnd(),
                histogram(before, after, REQUEST_DURATION, Map.of("method", "POST", "endpoint", endpoint)));
        return new MetricsComparison(rows);
    }

    private static Row count(String metric, double client, double server) {
        return new Row(metric, client, server, server, server, client == server);
    }

    private static BucketHistogram histogram(PromSnapshot before, PromSnapshot after, String name,
                                             Map<String, String> match) {
        return BucketHistogram.delta(before.buckets(name, match), after.buckets(name, match));
    }

    private static void quantiles(List<Row> rows, String what, BenchReport.Latency client, BucketHistogram server) {
        if (server.count() == 0 && client.count() == 0) {
            return;
        }
        for (double q : QUANTILES) {
            double serverMillis = server.quantile(q) * 1000;
            double[] bucket = server.bounds(q);
            double width = bucket == null ? Double.NaN : (bucket[1] - bucket[0]) * 1000;
            double low = bucket == null ? Double.NaN : Math.max(0, bucket[0] * 1000 - width - SLACK_MILLIS);
            double high = bucket == null ? Double.NaN : (bucket[1] * 1000 + width) * CLIENT_PRECISION + SLACK_MILLIS;
            double clientMillis = client.quantile(q);
            boolean agrees = clientMillis >= low && clientMillis <= high;
            rows.add(new Row(what + " p" + Math.round(q * 100), clientMillis, serverMillis, low, high, agrees));
        }
    }
}
