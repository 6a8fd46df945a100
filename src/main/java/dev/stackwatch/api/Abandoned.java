package dev.stackwatch.api;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A request the server gave up on without sending a response: the status it is counted and logged with, as nginx
 * does ({@value #BODY_TIMEOUT} for a body that never arrived, {@value #CLIENT_CLOSED} for a client that left before
 * any response byte). The connection is closed, so the client gets nothing, and these codes never go on the wire.
 */
public record Abandoned(int status) {
    public static final int BODY_TIMEOUT = 408;
    public static final int CLIENT_CLOSED = 499;

    /** The status a request is counted and logged with: its abandonment's, else the one the client was sent. */
    public static int statusOf(ServerRequest req, ServerResponse res) {
        return req.context().get(Abandoned.class).map(Abandoned::status).orElseGet(() -> res.status().code());
    }
}
