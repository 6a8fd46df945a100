package dev.stackwatch.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.UpstreamHeaders;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP/1.1 to one upstream over a pooled, keep-alive JDK HttpClient. Sends the bearer token and the request's
 * {@link UpstreamHeaders}; returns a response only for 2xx and turns everything else (error statuses, refused
 * connections, timeouts) into a classified {@link UpstreamFailure}. The token never appears in messages.
 */
public final class HttpUpstream implements AutoCloseable {
    /** Error bodies are read only for their message; a huge one is cut here. */
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final UpstreamSettings settings;
    private final ObjectMapper json;
    /** Virtual threads: the client's callbacks never pin platform threads, whatever the load. */
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;

    public HttpUpstream(UpstreamSettings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .sslContext(settings.tls().sslContext())
                .executor(executor)
                .build();
    }

    public UpstreamSettings settings() {
        return settings;
    }

    public URI uri(String path) {
        return URI.create(settings.baseUrl() + path);
    }

    public UpstreamResponse postJson(String path, JsonNode body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise upstream request", e);
        }
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), "POST " + path, settings.firstByteTimeout());
    }

    public UpstreamResponse get(String path, Duration firstByteTimeout) {
        return send(request(path).GET(), "GET " + path, firstByteTimeout);
    }

    /** Sends a request and returns the response only if it is 2xx; any other status is an {@link UpstreamFailure}. */
    public UpstreamResponse send(HttpRequest.Builder request, String what, Duration firstByteTimeout) {
        UpstreamResponse response = exchange(request, what, firstByteTimeout);
        if (response.status() / 100 == 2) {
            return response;
        }
        try (response) {
            String text = new String(response.readAll(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
            throw UpstreamFailure.status(response.status(), errorMessage(text), retryAfter(response.headers()));
        }
    }

    /**
     * Sends a request and returns the response whatever its status (the LlamaStack passthrough relays error statuses
     * as they are). Adds the bearer token, fixed headers and trace context; the first-byte deadline starts now.
     */
    public UpstreamResponse exchange(HttpRequest.Builder request, String what, Duration firstByteTimeout) {
        long deadline = System.nanoTime() + firstByteTimeout.toNanos();
        CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> pending =
                client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofPublisher());
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
        try {
            response = pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (!pending.cancel(true)) {
                // The answer arrived just as the deadline passed: too late to use, but its body must still be
                // cancelled, or the connection stays taken by a response nobody reads.
                pending.thenAccept(late -> {
                    BodyChunks abandoned = new BodyChunks();
                    abandoned.cancel();
                    late.body().subscribe(abandoned);
                });
            }
            throw UpstreamFailure.timeout(what + ": no response from upstream within " + firstByteTimeout.toMillis()
                    + " ms (first_byte_timeout_ms)");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw UpstreamFailure.connection(what + ": interrupted while waiting for the upstream", e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        }
        BodyChunks chunks = new BodyChunks();
        response.body().subscribe(chunks);
        return new UpstreamResponse(what, response.statusCode(), response.headers(), chunks, deadline,
                settings.idleTimeout());
    }

    /** Parses a whole JSON body; anything else is a bad upstream response. */
    public JsonNode readJson(UpstreamResponse response, int limit) {
        byte[] bytes = response.readAll(limit);
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw UpstreamFailure.badResponse("upstream sent invalid JSON: " + UpstreamResponse.describe(e), e);
        }
    }

    public JsonNode parse(String text, String what) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw UpstreamFailure.badResponse("upstream sent a malformed " + what + ": "
                    + abbreviate(text), e);
        }
    }

    /** A request to {@code path} under the base URL with the bearer token, fixed headers and trace context. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        settings.headers().forEach(b::header);
        if (settings.bearerToken() != null && !settings.bearerToken().isBlank()) {
            b.header("Authorization", "Bearer " + settings.bearerToken());
        }
        UpstreamHeaders.current().values().forEach(b::header);
        return b;
    }

    private UpstreamFailure failure(String what, Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return UpstreamFailure.connection(what + ": cannot connect to " + settings.baseUrl() + " within "
                    + settings.connectTimeout().toMillis() + " ms (connect_timeout_ms)", cause);
        }
        if (cause instanceof ConnectException) {
            return UpstreamFailure.connection(what + ": cannot connect to " + settings.baseUrl() + ": "
                    + UpstreamResponse.describe(cause), cause);
        }
        return UpstreamFailure.connection(what + ": upstream connection failed: " + UpstreamResponse.describe(cause),
                cause);
    }

    /** The human part of an error body: OpenAI's error.message, Ollama's error, FastAPI's detail, or the text. */
    private String errorMessage(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null) {
                JsonNode error = node.path("error");
                if (error.path("message").isTextual()) {
                    return error.get("message").asText();
                }
                if (error.isTextual()) {
                    return error.asText();
                }
                if (node.path("detail").isTextual()) {
                    return node.get("detail").asText();
                }
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        return abbreviate(body.strip());
    }

    private static Duration retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
            } catch (NumberFormatException httpDate) {
                return Optional.empty();
            }
        }).orElse(null);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }
}
