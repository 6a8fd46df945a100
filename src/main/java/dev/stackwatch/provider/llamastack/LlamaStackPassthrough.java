package dev.stackwatch.provider.llamastack;

import dev.stackwatch.api.ApiException;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.provider.http.HttpUpstream;
import dev.stackwatch.provider.http.UpstreamGuard;
import dev.stackwatch.provider.http.UpstreamRequest;
import dev.stackwatch.provider.http.UpstreamResponse;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Relays a /v1 route Stackwatch does not implement (agents, vector stores, files, responses, ...) to the upstream
 * LlamaStack unchanged: method, path, query, body and status, with the body streamed back as it arrives so SSE routes
 * work. It goes through the provider's guard, so the upstream's circuit, concurrency limit and timeouts apply; upstream
 * error statuses are relayed as they are, since the client speaks the upstream's API here.
 */
final class LlamaStackPassthrough implements Handler {
    /** The client's own headers that describe the request body; credentials are the provider's, never the client's. */
    private static final List<String> REQUEST_HEADERS = List.of("Content-Type", "Accept");
    private static final Set<String> RESPONSE_HEADERS = Set.of("content-type", "cache-control", "location");

    private final HttpUpstream upstream;
    private final UpstreamGuard guard;
    private final long maxBodyBytes;

    LlamaStackPassthrough(HttpUpstream upstream, UpstreamGuard guard, long maxBodyBytes) {
        this.upstream = upstream;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws IOException {
        // The upstream base URL ends in /v1 (shared with the inference routes), so the path is taken after it.
        String path = req.path().rawPath().substring("/v1".length());
        String query = req.query().rawValue();
        byte[] body = req.content().hasEntity() ? req.content().inputStream().readNBytes((int) maxBodyBytes + 1)
                : new byte[0];
        if (body.length > maxBodyBytes) {
            throw ApiException.tooLarge(maxBodyBytes);
        }
        String method = req.prologue().method().text();
        // Creating files, agents or sessions twice is not harmless: only reads may be retried.
        boolean retryable = method.equals("GET") || method.equals("HEAD");
        String what = method + " " + req.path().rawPath() + " (passthrough)";
        guard.call(progress -> {
            if (!retryable) {
                progress.begin();
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : REQUEST_HEADERS) {
                req.headers().first(HeaderNames.create(name)).ifPresent(v -> headers.put(name, v));
            }
            UpstreamRequest request = new UpstreamRequest(method, path + (query.isEmpty() ? "" : "?" + query), body,
                    headers);
            try (UpstreamResponse response = upstream.exchange(request, what,
                    upstream.settings().firstByteTimeout())) {
                progress.begin();
                if (response.status() >= 500) {
                    progress.upstreamFailed(what + ": upstream answered " + response.status());
                } else {
                    progress.answered();
                }
                relay(response, res);
            }
            return null;
        });
    }

    private static void relay(UpstreamResponse response, ServerResponse res) {
        res.status(Status.create(response.status()));
        response.headers().forEach((name, values) -> {
            if (RESPONSE_HEADERS.contains(name.toLowerCase())) {
                res.header(name, values.toArray(String[]::new));
            }
        });
        OutputStream out = res.outputStream();
        while (true) {
            byte[] chunk = response.readChunk();
            if (chunk == null) {
                break;
            }
            write(() -> {
                out.write(chunk);
                out.flush();
            });
        }
        write(out::close);
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
}
