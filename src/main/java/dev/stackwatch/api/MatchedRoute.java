package dev.stackwatch.api;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * The route template a request matched ({@code /v1/models/{model_id}}), put in the request context before the handler
 * runs so that cross-cutting filters can label by template, never by raw path.
 */
public record MatchedRoute(String template) {
    /** The label of a request that matched no route (unknown paths, refusals before routing): never its raw path. */
    public static final String UNMATCHED = "other";

    public static Optional<String> of(ServerRequest req) {
        return req.context().get(MatchedRoute.class).map(MatchedRoute::template);
    }

    /** The template, or {@link #UNMATCHED}: what metrics, access lines and the console label a request with. */
    public static String labelOf(ServerRequest req) {
        return of(req).orElse(UNMATCHED);
    }
}
