package dev.stackwatch.limits;

import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.exchange.LimitRefusal;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Caps in-flight inference requests (streams and whole answers alike: each holds a generation and a connection), so
 * a flood is refused with 503 + Retry-After instead of exhausting memory. The permit is taken once the request body
 * has been read (the step given to {@link Exchange#admitAfterBody}), so a client that sends headers and stalls holds
 * none, and is held until the handler returns, which for a stream is when the last event is written.
 */
public final class StreamLimitFilter implements Filter {
    private final Set<String> inferencePaths;
    private final int limit;
    private final Semaphore permits;

    public StreamLimitFilter(int limit, Set<String> inferencePaths) {
        this.limit = limit;
        this.inferencePaths = Set.copyOf(inferencePaths);
        this.permits = new Semaphore(limit);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!req.prologue().method().equals(Method.POST) || !inferencePaths.contains(req.path().path())) {
            chain.proceed();
            return;
        }
        boolean[] held = {false};
        Exchange exchange = Exchange.of(req);
        exchange.admitAfterBody(() -> {
            if (!permits.tryAcquire()) {
                exchange.refused(LimitRefusal.CONCURRENCY);
                throw Refusals.busy(limit);
            }
            held[0] = true;
        });
        try {
            chain.proceed();
        } finally {
            if (held[0]) {
                permits.release();
            }
        }
    }
}
