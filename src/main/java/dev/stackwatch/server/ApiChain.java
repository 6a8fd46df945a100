package dev.stackwatch.server;

import io.helidon.webserver.http.Filter;
import java.util.ArrayList;
import java.util.List;

/**
 * The API listener's filter chain, built in this one place as one ordered list. Measurement is outermost, so no filter
 * can answer a request unseen: the request's exchange (its arrival time, and the facts the layers inside report to it
 * for the measuring filters to read on the way out), request id, server span (or, with tracing off, the caller's
 * trace id for the logs), access log, metrics, the console's recent errors. Then the
 * error boundary, which answers whatever the filters after it throw while the measuring ones are still on the stack,
 * and the route label, so a refused request is counted under its route. Then the lifecycle (drain), identity and
 * policy (headers, CORS, auth, rate limit, per-key quotas, concurrency cap: the security package's order), and
 * whatever a caller adds (the standalone simulator's fault injection) just before routing.
 */
record ApiChain(Filter exchange, Filter requestId, Filter trace, Filter accessLog, Filter metrics, Filter recentErrors,
                Filter errorBoundary, Filter routeLabels, Filter drain, List<Filter> security, List<Filter> extra) {

    List<Filter> filters() {
        List<Filter> chain = new ArrayList<>();
        chain.add(exchange);
        chain.add(requestId);
        chain.add(trace);
        chain.add(accessLog);
        chain.add(metrics);
        chain.add(recentErrors);
        chain.add(errorBoundary);
        chain.add(routeLabels);
        chain.add(drain);
        chain.addAll(security);
        chain.addAll(extra);
        return List.copyOf(chain);
    }
}
