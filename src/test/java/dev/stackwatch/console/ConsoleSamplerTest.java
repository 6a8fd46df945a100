package dev.stackwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Rates and quantiles from consecutive registry reads, with a stepped clock and hand-written expositions. */
class ConsoleSamplerTest {
    /** Hand-written text expositions carry no native buckets: quantiles come from the classic ones. */
    private static final Supplier<MetricSnapshots> NO_NATIVE = () -> MetricSnapshots.builder().build();

    private static String exposition(int ok, int notFound, int failed, int slowBucket, int tokens, int inFlight) {
        return """
                llamastack_requests_total{method="POST",endpoint="/v1/chat/completions",status="200"} %d
                llamastack_requests_total{method="POST",endpoint="/v1/chat/completions",status="404"} %d
                llamastack_requests_total{method="POST",endpoint="/v1/chat/completions",status="500"} %d
                llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="0.1"} 0
                llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="0.2"} %d
                llamastack_request_duration_seconds_bucket{method="POST",endpoint="/v1/chat/completions",le="+Inf"} %d
                llamastack_tokens_total{model="m",provider="p",type="output"} %d
                llamastack_tokens_total{model="m",provider="p",type="input"} 999999
                llamastack_requests_in_flight %d
                llamastack_active_connections 4
                llamastack_ready 1
                llamastack_provider_health{provider="p2"} 0
                llamastack_provider_health{provider="p"} 1
                llamastack_model_ready{model="m",provider="p"} 1
                llamastack_model_ready{model="cold",provider="p2"} 0
                llamastack_model_load_time_seconds{model="m",provider="p"} 1.5
                """.formatted(ok, notFound, failed, slowBucket, slowBucket, tokens, inFlight);
    }

    @Test
    void pointsAreDeltasBetweenReadsAndStateIsTheLatestRead() {
        Deque<String> reads = new ArrayDeque<>(List.of(
                exposition(10, 0, 0, 10, 100, 1),
                exposition(10, 0, 0, 10, 100, 1),
                exposition(30, 2, 4, 30, 500, 3)));
        AtomicLong clock = new AtomicLong();
        RecentErrors errors = new RecentErrors(5);
        // Made at server start, when every counter is zero: that is its first read.
        ConsoleSampler sampler = new ConsoleSampler(reads::removeFirst, NO_NATIVE, errors, clock::get);

        clock.addAndGet(ConsoleSampler.MIN_INTERVAL_NANOS - 1);
        assertEquals(List.of(), sampler.view().history(), "reads closer than the minimum interval make no point");
        clock.set(2_000_000_000L);
        assertEquals(5.0, sampler.view().history().getFirst().requestsPerSecond(), 1e-9,
                "the first point is everything since start: 10 requests in 2 s");
        clock.set(4_000_000_000L);
        ConsoleView view = sampler.view();

        assertEquals(2, view.history().size());
        ConsoleView.Point p = view.history().getLast();
        assertEquals(2.0, p.seconds(), 1e-9);
        assertEquals(13.0, p.requestsPerSecond(), 1e-9, "26 requests in 2 s");
        assertEquals(3.0, p.errorsPerSecond(), 1e-9);
        assertEquals(Map.of("404", 1.0, "500", 2.0), p.errorsPerSecondByStatus());
        assertEquals(150, p.latency().p50(), 1e-9, "20 new requests all in (0.1, 0.2] s");
        assertNull(p.ttft().p50(), "no TTFT histogram, no quantile");
        assertEquals(200.0, p.outputTokensPerSecond(), 1e-9, "only output tokens count");
        assertEquals(3, p.inFlight());
        assertEquals(4, p.connections());

        ConsoleView.State s = view.state();
        assertEquals(true, s.ready());
        assertEquals(36, s.requests());
        assertEquals(6, s.errors());
        assertEquals(List.of(new ConsoleView.Provider("p", true), new ConsoleView.Provider("p2", false)), s.providers());
        assertEquals(List.of(new ConsoleView.ModelStatus("cold", "p2", false, null),
                new ConsoleView.ModelStatus("m", "p", true, 1.5)), s.models());
    }

    @Test
    void theFirstViewAfterStartAlreadyHasAPoint() {
        Deque<String> reads = new ArrayDeque<>(List.of(exposition(8, 0, 2, 8, 40, 1)));
        AtomicLong clock = new AtomicLong();
        ConsoleSampler sampler = new ConsoleSampler(reads::removeFirst, NO_NATIVE, new RecentErrors(5), clock::get);
        clock.set(4_000_000_000L);  // the page opens 4 s after the server started
        List<ConsoleView.Point> history = sampler.view().history();
        assertEquals(1, history.size(), "the first paint has data");
        assertEquals(2.5, history.getFirst().requestsPerSecond(), 1e-9, "10 requests since start, over 4 s");
        assertEquals(150, history.getFirst().latency().p50(), 1e-9);
    }

    @Test
    void recentErrorsKeepTheNewestUpToCapacity() {
        RecentErrors errors = new RecentErrors(2);
        for (int i = 1; i <= 3; i++) {
            errors.add(new RecentErrors.Entry(i, "http", "GET /x", "Not Found", 404, null));
        }
        assertEquals(List.of(3L, 2L), errors.newestFirst().stream().map(RecentErrors.Entry::time).toList());
    }
}
