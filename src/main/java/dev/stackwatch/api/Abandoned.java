package dev.stackwatch.api;

import dev.stackwatch.exchange.Exchange;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A request the server gave up on without sending a response: the status it is counted and logged with, as nginx
 * does ({@value #BODY_TIMEOUT} for a body that never arrived, {@value #CLIENT_CLOSED} for a client that left before
 * any response byte), reported to its {@link Exchange}. The connection is closed, so the client gets nothing, and
 * these codes never go on the wire.
 */
public final class Abandoned {
    public static final int BODY_TIMEOUT = 408;
    public static final int CLIENT_CLOSED = 499;

    private Abandoned() {
    }

    /** The status a request is counted and logged with: its abandonment's, else the one the client was sent. */
    public static int statusOf(ServerRequest req, ServerResponse res) {
        return Exchange.of(req).abandonedStatus().orElseGet(() -> res.status().code());
    }
}
