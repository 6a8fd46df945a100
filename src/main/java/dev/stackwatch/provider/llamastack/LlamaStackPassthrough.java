package dev.stackwatch.provider.llamastack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.api.ClientBodyFailure;
import dev.stackwatch.api.ForwardedHeaders;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.inference.RelayObserver;
import dev.stackwatch.inference.UpstreamHeaders;
import dev.stackwatch.provider.http.HttpUpstream;
import dev.stackwatch.provider.http.RequestBodyFailure;
import dev.stackwatch.provider.http.UpstreamFailure;
import dev.stackwatch.provider.http.UpstreamGuard;
import dev.stackwatch.provider.http.UpstreamResponse;
import dev.stackwatch.wire.ApiException;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Relays every route under /v1, /v1alpha and /v1beta that Stackwatch does not serve itself (responses, vector stores,
 * files, conversations, eval, datasets, ...) to the upstream LlamaStack unchanged: method, path, query, headers, body
 * and status, with the body streamed both ways as it arrives, so SSE answers, uploads and downloads are never held
 * in memory. It goes through the provider's guard, so the upstream's circuit, concurrency limit and timeouts apply;
 * upstream error statuses and bodies are relayed as they are, since the client speaks the upstream's API here.
 * <p>
 * {@code POST /v1/responses} is also observed as an inference call ({@link ResponsesWatch}) through the same observers
 * that measure chat: the relay itself records nothing.
 */
final class LlamaStackPassthrough implements Handler {
    /** Hop-by-hop headers, and those the relay sets itself: credentials are the provider's, never the client's. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "expect",
            "authorization", "traceparent", "tracestate", "accept-encoding");
    /** Hop-by-hop response headers, and CORS, which is Stackwatch's policy at its edge, not the upstream's. */
    private static final Set<String> NOT_RELAYED = Set.of("connection", "keep-alive", "transfer-encoding",
            "content-length", "trailer", "upgrade", "proxy-authenticate");
    private static final String RESPONSES = "/v1/responses";

    private final HttpUpstream upstream;
    private final UpstreamGuard guard;
    private final String providerId;
    private final long maxBodyBytes;
    private final long maxUploadBytes;
    private final RelayObserver observer;
    private final ObjectMapper json;

    /**
     * {@code maxBodyBytes} bounds JSON bodies (the server's limit); {@code maxUploadBytes} bounds every other body
     * (multipart file uploads); {@code observer} observes Responses API calls and relayed failures.
     */
    LlamaStackPassthrough(HttpUpstream upstream, UpstreamGuard guard, String providerId, long maxBodyBytes,
                          long maxUploadBytes, RelayObserver observer, ObjectMapper json) {
        this.upstream = upstream;
        this.guard = guard;
        this.providerId = providerId;
        this.maxBodyBytes = maxBodyBytes;
        this.maxUploadBytes = maxUploadBytes;
        this.observer = observer;
        this.json = json;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws IOException {
        String method = req.prologue().method().text();
        String rawPath = req.path().rawPath();
        String query = req.query().rawValue();
        String target = rawPath + (query.isEmpty() ? "" : "?" + query);
        Map<String, String> headers = forwardedHeaders(req);
        boolean isJson = headers.getOrDefault("Content-Type", "").toLowerCase(Locale.ROOT).contains("json");
        long limit = isJson ? maxBodyBytes : maxUploadBytes;
        long length = req.headers().contentLength().orElse(-1L);
        if (length > limit) {
            throw ApiException.tooLarge(limit);
        }
        LimitedBody body = null;
        ResponsesWatch watch = null;
        if (req.content().hasEntity()) {
            if (method.equals("POST") && rawPath.equals(RESPONSES)) {
                byte[] bytes;
                try {
                    bytes = req.content().inputStream().readNBytes((int) limit + 1);
                } catch (IOException | RuntimeException e) {
                    throw ClientBodyFailure.of(e);
                }
                if (bytes.length > limit) {
                    throw ApiException.tooLarge(limit);
                }
                watch = watch(bytes, Exchange.of(req));
                body = new LimitedBody(new ByteArrayInputStream(bytes), limit);
                length = bytes.length;
            } else {
                body = new LimitedBody(req.content().inputStream(), limit);
            }
        }
        // Creating files, responses or sessions twice is not harmless: only reads (which have no body) are retried.
        boolean retryable = method.equals("GET") || method.equals("HEAD");
        String what = method + " " + rawPath + " (relayed)";
        LimitedBody sent = body;
        long sentLength = length;
        ResponsesWatch watching = watch;
        // The client's trace context, or the observed call's span in its place.
        UpstreamHeaders client = ForwardedHeaders.of(req);
        UpstreamHeaders trace = watch == null ? client : watch.upstreamHeaders(client);
        try {
            guard.call(progress -> {
                if (!retryable) {
                    progress.begin();
                }
                UpstreamResponse response;
                try {
                    response = upstream.relay(method, target, trace, headers, sent, sentLength, what,
                            upstream.settings().firstByteTimeout());
                } catch (RequestBodyFailure f) {
                    // Past the limit, or the client left (or sent bad framing) mid-upload: never the upstream's.
                    if (sent.exceeded()) {
                        throw ApiException.tooLarge(sent.limit);
                    }
                    throw ClientBodyFailure.of(f.getCause());
                }
                try (response) {
                    progress.begin();
                    if (response.status() >= 500) {
                        progress.upstreamFailed(what + ": upstream answered " + response.status());
                    } else {
                        progress.answered();
                    }
                    relay(response, res, watching, Exchange.of(req).routeLabel());
                }
                return null;
            });
        } catch (RuntimeException | Error e) {
            if (watch != null) {
                watch.failed(e);
            } else if (e instanceof ProviderException failure) {
                observer.relayFailed(providerId, Exchange.of(req).routeLabel(), failure);
            }
            throw e;
        }
    }

    /** Starts the observed call for a Responses request; a body that is not JSON is relayed unobserved. */
    private ResponsesWatch watch(byte[] body, Exchange exchange) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
        if (request == null || !request.path("model").isTextual()) {
            return null;
        }
        String modelId = request.get("model").asText();
        boolean stream = request.path("stream").asBoolean(false);
        // Metrics keep the id only when run.yaml registers it, so a model named by a client adds no series.
        Model model = new Model(modelId, providerId, modelId, ModelType.LLM, null);
        InferenceObserver.Call call = observer.observe(new InferenceObserver.CallInfo(Operation.RESPONSES, model,
                LlamaStackProvider.TYPE, stream, null, null, upstream.settings().endpoint(), exchange));
        return new ResponsesWatch(call, stream, providerId, json);
    }

    private static Map<String, String> forwardedHeaders(ServerRequest req) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : req.headers()) {
            if (!NOT_FORWARDED.contains(h.name().toLowerCase(Locale.ROOT))) {
                headers.put(h.name(), String.join(", ", h.allValues()));
            }
        }
        return headers;
    }

    private void relay(UpstreamResponse response, ServerResponse res, ResponsesWatch watch, String route) {
        int status = response.status();
        res.status(Status.create(status));
        response.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_RELAYED.contains(lower) && !lower.startsWith("access-control-")) {
                res.header(name, values.toArray(String[]::new));
            }
        });
        OutputStream out = res.outputStream();
        boolean observed = watch != null && status / 100 == 2;
        byte[] errorBody = null;
        while (true) {
            byte[] chunk = response.readChunk();
            if (chunk == null) {
                break;
            }
            write(() -> {
                out.write(chunk);
                out.flush();
            });
            if (observed) {
                watch.relayed(chunk, System.nanoTime());
            } else if (errorBody == null && status >= 400) {
                errorBody = chunk;
            }
        }
        write(out::close);
        if (observed) {
            watch.ended();
            return;
        }
        if (watch == null && status < 500) {
            return;
        }
        // The client got the upstream's error as it was; the observers get it as the failure it is.
        ProviderException failure = UpstreamFailure.status(status, errorBody == null ? "no body"
                : new String(errorBody, StandardCharsets.UTF_8), null).toProviderException(providerId);
        if (watch != null) {
            watch.failed(failure);
        } else {
            observer.relayFailed(providerId, route, failure);
        }
    }

    private interface Write {
        void run() throws IOException;
    }

    /** Only writes to the client happen here, so any failure means the client is gone. */
    private static void write(Write write) {
        try {
            write.run();
        } catch (IOException | RuntimeException e) {
            throw new ClientDisconnectedException(e);
        }
    }

    /** The client's body as the upstream reads it, cut off past the limit (a chunked upload has no length to check). */
    private static final class LimitedBody extends InputStream {
        private final InputStream in;
        private final long limit;
        private long read;

        LimitedBody(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        boolean exceeded() {
            return read > limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new IOException("request body exceeds " + limit + " bytes");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
