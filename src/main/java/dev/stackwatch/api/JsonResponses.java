package dev.stackwatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Sends a body as {@code application/json}. */
public final class JsonResponses {
    private final ObjectMapper json;

    public JsonResponses(ObjectMapper json) {
        this.json = json;
    }

    public void send(ServerResponse res, Object body) {
        send(res, 200, body);
    }

    public void send(ServerResponse res, int status, Object body) {
        sendEncoded(res, status, encode(json, body));
    }

    /** Sends a body already encoded as JSON. */
    void sendEncoded(ServerResponse res, int status, byte[] body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    /** {@code body} as JSON; the API's payloads always serialise, so a failure is a bug, not the client's doing. */
    static byte[] encode(ObjectMapper json, Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise response", e);
        }
    }
}
