package dev.stackwatch.api;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * When a request reached the server ({@link System#nanoTime()}), noted by the outermost filter so that time to first
 * token counts from the same point a client's clock does (the request arriving), not from when the provider started:
 * reading and parsing the body, auth and queueing in front of the provider are part of what the client waits for.
 */
public record RequestArrival(long nanos) {

    /** The outermost API filter: registers the arrival before anything else runs. */
    public static Filter filter() {
        return (FilterChain chain, RoutingRequest req, RoutingResponse res) -> {
            req.context().register(new RequestArrival(System.nanoTime()));
            chain.proceed();
        };
    }

    static long of(ServerRequest req) {
        return req.context().get(RequestArrival.class).map(RequestArrival::nanos).orElseGet(System::nanoTime);
    }
}
