package dev.stackwatch.api;

import dev.stackwatch.exchange.Exchange;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * The route template a request matched ({@code /v1/models/{model_id}}), as its {@link Exchange} was told before the
 * handler ran, so that cross-cutting filters can label by template, never by raw path.
 */
public final class MatchedRoute {
    /** The label of a request that matched no route (unknown paths, refusals before routing): never its raw path. */
    public static final String UNMATCHED = "other";

    private MatchedRoute() {
    }

    public static Optional<String> of(ServerRequest req) {
        return Exchange.of(req).route();
    }

    /** The template, or {@link #UNMATCHED}: what metrics, access lines and the console label a request with. */
    public static String labelOf(ServerRequest req) {
        return of(req).orElse(UNMATCHED);
    }
}
