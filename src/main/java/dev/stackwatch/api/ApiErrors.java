package dev.stackwatch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.ModelNotFoundException;
import dev.stackwatch.inference.ModelNotReadyException;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.server.lifecycle.DrainDeadlineException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the OpenAI error shape with the right status. Nothing a client sends can produce a stack
 * trace in a response: unexpected exceptions become a 500 with a generic message and are logged here.
 */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    /** Seconds a client should wait before retrying a model that is still loading. */
    static final String LOADING_RETRY_AFTER = "5";

    private final ObjectMapper json;

    public ApiErrors(ObjectMapper json) {
        this.json = json;
    }

    public void register(HttpRouting.Builder routing) {
        routing.error(ApiException.class, (req, res, e) -> send(res, toApi(e)))
                .error(ModelNotFoundException.class, (req, res, e) -> send(res, toApi(e)))
                .error(ModelNotReadyException.class, (req, res, e) -> send(res, toApi(e)))
                .error(ProviderException.class, (req, res, e) -> send(res, toApi(e)))
                .error(DrainDeadlineException.class, (req, res, e) -> send(res, toApi(e)))
                .error(ClientDisconnectedException.class, (req, res, e) -> LOG.debug("client disconnected"))
                .error(Throwable.class, this::unexpected);
    }

    /** The API view of any failure; also used for errors sent as SSE events once a stream has begun. */
    public static ApiException toApi(Throwable t) {
        return switch (t) {
            case ApiException e -> e;
            case ModelNotFoundException e -> new ApiException(404, "not_found_error", "model_not_found",
                    e.getMessage(), "model", Map.of());
            case ModelNotReadyException e -> new ApiException(503, "server_error", "model_not_ready", e.getMessage(),
                    "model", e.state() instanceof ModelState.Loading
                            ? Map.of("Retry-After", LOADING_RETRY_AFTER) : Map.of());
            case ProviderException e -> new ApiException(e.kind().status(), e.kind().type(), e.kind().code(),
                    "provider '" + e.providerId() + "': " + e.getMessage(), null, e.retryAfter()
                            .map(d -> Map.of("Retry-After", retryAfterSeconds(d))).orElse(Map.of()));
            case DrainDeadlineException e -> new ApiException(503, "server_error", "server_draining", e.getMessage(),
                    null, Map.of("Connection", "close"));
            default -> new ApiException(500, "server_error", "internal_error", "internal server error", null, Map.of());
        };
    }

    /** Retry-After takes whole seconds; rounding up keeps clients from coming back too early. */
    private static String retryAfterSeconds(Duration d) {
        return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
    }

    public void send(ServerResponse res, ApiException e) {
        if (res.isSent()) {
            return;
        }
        res.status(Status.create(e.status()));
        e.headers().forEach(res::header);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(bytes(e));
    }

    byte[] bytes(ApiException e) {
        try {
            return json.writeValueAsBytes(ErrorBody.of(e.getMessage(), e.type(), e.code(), e.param()));
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private void unexpected(ServerRequest req, ServerResponse res, Throwable t) {
        LOG.error("unexpected error serving {} {}", req.prologue().method().text(), req.path().path(), t);
        send(res, toApi(t));
    }
}
