package dev.stackwatch.api;

import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.ModelNotFoundException;
import dev.stackwatch.inference.ModelNotReadyException;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.lifecycle.DrainDeadlineException;
import dev.stackwatch.wire.ApiException;
import dev.stackwatch.wire.ErrorBody;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
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
 *
 * <p>Every failure is answered while the measuring filters are still on the stack: by {@link #boundary()} for what
 * the filters throw (Helidon's own error handlers run only after the whole filter chain has returned, too late to be
 * counted) and by {@link #guard} for what route handlers throw. A refusal sent before the request body was read closes
 * the connection, so the unread body can never be parsed as a next request. A request given up without an answer
 * (its body never came, its client left) is marked {@link Abandoned} and its connection closed.
 */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    /** Seconds a client should wait before retrying a model that is still loading. */
    static final String LOADING_RETRY_AFTER = "5";

    private final JsonResponses responses;
    private final Runnable closeConnection;

    /** {@code closeConnection} ends the current request's connection once its response has been written. */
    public ApiErrors(JsonResponses responses, Runnable closeConnection) {
        this.responses = responses;
        this.closeConnection = closeConnection;
    }

    /**
     * A fallback for anything thrown outside {@link #boundary()} and {@link #guard}, so even then the answer has the
     * error shape (it is then not counted: that would be a wiring bug).
     */
    public void register(HttpRouting.Builder routing) {
        routing.error(Throwable.class, (req, res, t) -> {
            if (!(t instanceof ClientDisconnectedException) && !(t instanceof BodyTimeoutException)) {
                send(res, report(t, where(req)));
            }
        });
    }

    /**
     * The filter inside the measuring ones that answers whatever the filters after it throw, and closes the
     * connection after any response that says {@code Connection: close} (Helidon 4.5 would read a next request).
     */
    public Filter boundary() {
        return (FilterChain chain, RoutingRequest req, RoutingResponse res) -> {
            try {
                chain.proceed();
            } catch (CloseConnectionException abandoned) {
                throw abandoned;
            } catch (RuntimeException | Error t) {
                handle(req, res, t);
            }
            if (saysClose(req.headers()) || saysClose(res.headers())) {
                closeConnection.run();
            }
        };
    }

    /**
     * Whether {@code headers} hold {@code Connection: close}. Helidon's token search builds a stream and a token list
     * for every value; most requests have no Connection header and most responses say {@code keep-alive}, so the
     * search runs only for a value that has "close" in it at all. It was about 1 % of a request's CPU.
     */
    private static boolean saysClose(Headers headers) {
        if (!headers.contains(HeaderNames.CONNECTION)) {
            return false;
        }
        for (String value : headers.get(HeaderNames.CONNECTION).allValues()) {
            if (containsIgnoringCase(value, "close")) {
                return headers.containsToken(HeaderValues.CONNECTION_CLOSE);
            }
        }
        return false;
    }

    private static boolean containsIgnoringCase(String text, String word) {
        for (int i = 0; i + word.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    /** Runs a route handler so that what it throws is answered here, inside the measuring filters. */
    public void guard(ServerRequest req, ServerResponse res, Runnable handler) {
        try {
            handler.run();
        } catch (CloseConnectionException abandoned) {
            throw abandoned;
        } catch (RuntimeException | Error t) {
            handle(req, res, t);
        }
    }

    private void handle(ServerRequest req, ServerResponse res, Throwable t) {
        if (t instanceof BodyTimeoutException || t instanceof ClientDisconnectedException) {
            abandon(req, res, t instanceof BodyTimeoutException ? Abandoned.BODY_TIMEOUT : Abandoned.CLIENT_CLOSED);
            return;
        }
        ApiException e = report(t, where(req));
        if (begun(res)) {
            // The status went out with the first bytes (a relayed download that stalled): the client keeps it, and
            // the only honest signal left is a response cut short, not a second status written over the first.
            throw new CloseConnectionException("response cut short: " + e.getMessage(), t);
        }
        if (!begun(res) && !bodyRead(req)) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        send(res, e);
    }

    /**
     * Nothing more can reach the client: count it as abandoned unless a response had begun (a stream that lost its
     * client keeps the status it was sent with), and close the connection instead of writing a response. Helidon
     * passes {@link CloseConnectionException} up through the filters (which count the request on the way) and closes
     * the socket without writing; anything else unanswered it would answer with a 500 of its own.
     */
    private static void abandon(ServerRequest req, ServerResponse res, int status) {
        String why = status == Abandoned.BODY_TIMEOUT ? "body not received in time" : "client disconnected";
        LOG.debug("request abandoned: {}", why);
        // Once a stream's headers have gone out the client got that status (bytesWritten() is not kept up to date
        // while a stream is open, so it cannot tell whether they arrived).
        if (!begun(res)) {
            Exchange.of(req).abandoned(status);
        }
        throw new CloseConnectionException("request abandoned: " + why);
    }

    /** Sent, or streaming: isSent() stays false until a stream's output is closed. */
    private static boolean begun(ServerResponse res) {
        return res instanceof RoutingResponse routing ? routing.hasEntity() : res.isSent();
    }

    /** True when there is no body or it has been read to its end. */
    private static boolean bodyRead(ServerRequest req) {
        boolean hasBody = req.headers().contains(HeaderNames.TRANSFER_ENCODING)
                || req.headers().contentLength().orElse(0) > 0;
        return !hasBody || req.content().consumed();
    }

    private static String where(ServerRequest req) {
        return req.prologue().method().text() + " " + req.path().path();
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
            // Helidon's message may quote what the client sent (a bad chunk-size line): never echoed or logged.
            case RequestException e -> new ApiException(e.status().code(), "invalid_request_error",
                    "invalid_request_framing", "the request body is not valid HTTP/1.1 framing (chunked encoding)",
                    null, Map.of());
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
