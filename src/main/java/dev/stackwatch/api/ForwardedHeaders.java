package dev.stackwatch.api;

import dev.stackwatch.inference.UpstreamHeaders;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/** The client's headers that its request's upstream calls carry (its W3C trace context), as a value for the call. */
public final class ForwardedHeaders {
    private ForwardedHeaders() {
    }

    public static UpstreamHeaders of(ServerRequest req) {
        return UpstreamHeaders.from(name -> req.headers().first(HeaderNames.create(name)).orElse(null));
    }
}
