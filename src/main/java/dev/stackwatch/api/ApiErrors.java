package dev.stackwatch.api;

import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.ModelNotFoundException;
import dev.stackwatch.inference.ModelNotReadyException;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.server.lifecycle.DrainDeadlineException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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

    private final JsonResponses responses;

    public ApiErrors(JsonResponses responses) {
        this.responses = responses;
    }

    /** One handler for everything: {@link #known} decides the answer, so there is one list of failure types. */
    public void register(HttpRouting.Builder routing) {
        routing.error(Throwable.class, this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res, Throwable t) {
        if (t instanceof ClientDisconnectedException) {
            LOG.debug("client disconnected");
            return;
        }
        send(res, report(t, req.prologue().method().text() + " " + req.path().path()));
    }

    /** The API view of any failure; also used for errors sent as SSE events once a stream has begun. */
    public static ApiException toApi(Throwable t) {
        return known(t).orElseGet(ApiErrors::internal);
    }

    /** Like {@link #toApi}, and logs the failure (with its stack) when it is not one the API expects. */
    public static ApiException report(Throwable t, String where) {
        return known(t).orElseGet(() -> {
            LOG.error("unexpected error serving {}", where, t);
            return internal();
        });
    }

    private static Optional<ApiException> known(Throwable t) {
        return Optional.ofNullable(switch (t) {
            case ApiException e -> e;
            case ModelNotFoundException e -> new ApiException(404, "not_found_error", "model_not_found",
                    e.getMessage(), "model", Map.of());
            case ModelNotReadyException e -> new ApiException(503, "server_error", "model_not_ready", e.getMessage(),
                    "model", e.state() instanceof ModelState.Loading
                            ? Map.of("Retry-After", LOADING_RETRY_AFTER) : Map.of());
            case ProviderException e -> new ApiException(e.kind().status(), e.kind().type(), e.kind().code(),
                    "provider '" + e.providerId() + "': " + e.getMessage(), null, e.retryAfter()
                            .map(d -> Map.of("Retry-After", retryAfterSeconds(d))).orElse(Map.of()));
            case DrainDeadlineException e -> ApiException.draining(e.getMessage());
            default -> null;
        });
    }

    private static ApiException internal() {
        return new ApiException(500, "server_error", "internal_error", "internal server error", null, Map.of());
    }

    /** Retry-After takes whole seconds; rounding up keeps clients from coming back too early. */
    private static String retryAfterSeconds(Duration d) {
        return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
    }

    public void send(ServerResponse res, ApiException e) {
        if (res.isSent()) {
            return;
        }
        e.headers().forEach(res::header);
        responses.send(res, e.status(), ErrorBody.of(e.getMessage(), e.type(), e.code(), e.param()));
    }
}
