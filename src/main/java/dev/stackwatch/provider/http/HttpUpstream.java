package dev.stackwatch.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.deadline.Deadline;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.inference.UpstreamHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HttpsSupport;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP/1.1 to one upstream over pooled keep-alive connections (Apache HttpClient 5, classic API). The exchange runs
 * on the calling virtual thread: no selector thread and no hand-offs between threads per request, which is where the
 * JDK client's asynchronous core spent its time when relaying at a few hundred requests per second.
 * <p>
 * Sends the bearer token, fixed headers and the call's {@link UpstreamHeaders}; {@link #send} returns a response
 * only for 2xx and turns everything else (error statuses, refused connections, timeouts) into a classified
 * {@link UpstreamFailure}. The token never appears in messages. Timeouts are {@link Deadline}s on the calling thread:
 * first byte from sending the request to the first body bytes, then the idle limit between chunks.
 */
public final class HttpUpstream implements AutoCloseable {
    /** Error bodies are read only for their message; a huge one is cut here. */
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    /** The bulkhead bounds concurrency per provider; the pool must never be the tighter limit. */
    private static final int MAX_CONNECTIONS = 4096;
    /** A pooled connection idle longer than this is checked before reuse: the upstream may have closed it. */
    private static final TimeValue VALIDATE_AFTER_IDLE = TimeValue.ofSeconds(2);
    /**
     * Socket timeout behind the deadlines, for a read the deadline cannot interrupt (a platform thread): never the
     * limit that normally applies, so it sits past both configured timeouts.
     */
    private static final Duration BACKSTOP_MARGIN = Duration.ofSeconds(5);
    /** Providers call a handful of fixed paths; more than this are parsed each time rather than kept. */
    private static final int MAX_CACHED_TARGETS = 64;

    private final UpstreamSettings settings;
    private final ObjectMapper json;
    private final HttpHost host;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;
    private final DeadlineTimer deadlines;
    private final RequestConfig untimed;
    /** Target URIs by path: parsing the URI was a visible share of each relayed request's CPU. */
    private final Map<String, URI> targets = new ConcurrentHashMap<>();

    /** {@code deadlines} is shared and stays open when this closes. */
    public HttpUpstream(UpstreamSettings settings, ObjectMapper json, DeadlineTimer deadlines) {
        this.settings = settings;
        this.json = json;
        URI base = settings.baseUrl();
        this.host = new HttpHost(base.getScheme(), base.getHost(), base.getPort());
        Timeout backstop = Timeout.of(max(settings.firstByteTimeout(), settings.idleTimeout()).plus(BACKSTOP_MARGIN));
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                // tls_verify: false trusts any certificate (TlsVerify) and must skip the host name check too.
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(settings.tls().sslContext(),
                        settings.tls().verify() ? HttpsSupport.getDefaultHostnameVerifier()
                                : NoopHostnameVerifier.INSTANCE))
                // Streamed tokens are small writes; Nagle's algorithm would hold them back.
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(backstop).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(backstop)
                        .setValidateAfterInactivity(VALIDATE_AFTER_IDLE)
                        .build())
                .build();
        RequestConfig backstopped = RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(settings.connectTimeout()))
                .setResponseTimeout(backstop)
                .build();
        this.untimed = RequestConfig.copy(backstopped).setResponseTimeout(Timeout.DISABLED).build();
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(backstopped)
                // UpstreamGuard decides about retries; redirects, cookies and compression have no place here
                // (a gzip decoder would hold streamed tokens back).
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .build();
        this.deadlines = deadlines;
    }

    public UpstreamSettings settings() {
        return settings;
    }

    /** A request no client call made (warming a model up): it carries no trace context. */
    public UpstreamResponse postJson(String path, JsonNode body) {
        return postJson(path, body, UpstreamHeaders.NONE);
    }

    /** {@code trace}: the call's {@link UpstreamHeaders}, passed along with its request. */
    public UpstreamResponse postJson(String path, JsonNode body, UpstreamHeaders trace) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise upstream request", e);
        }
        return send(UpstreamRequest.postJson(path, bytes), trace, "POST " + path, settings.firstByteTimeout());
    }

    public UpstreamResponse get(String path, Duration firstByteTimeout) {
        return send(UpstreamRequest.get(path), UpstreamHeaders.NONE, "GET " + path, firstByteTimeout);
    }

    /** Sends a request and returns the response only if it is 2xx; any other status is an {@link UpstreamFailure}. */
    public UpstreamResponse send(UpstreamRequest request, UpstreamHeaders trace, String what,
                                 Duration firstByteTimeout) {
        UpstreamResponse response = exchange(request, trace, what, firstByteTimeout);
        if (response.status() / 100 == 2) {
            return response;
        }
        try (response) {
            String text = new String(response.readAll(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
            throw UpstreamFailure.status(response.status(), errorMessage(text), retryAfter(response));
        }
    }

    /**
     * Sends a request and returns the response whatever its status (the LlamaStack passthrough relays error statuses
     * as they are). Adds the bearer token, fixed headers and trace context; the first-byte deadline starts now.
     */
    public UpstreamResponse exchange(UpstreamRequest request, UpstreamHeaders trace, String what,
                                     Duration firstByteTimeout) {
        HttpUriRequestBase message = message(request.method(), target(request.path()), trace, request.headers());
        if (request.body().length > 0) {
            // The Content-Type travels as a header of the request, like every other.
            message.setEntity(new ByteArrayEntity(request.body(), null));
        }
        return open(message, what, firstByteTimeout);
    }

    private URI target(String path) {
        URI known = targets.get(path);
        if (known != null) {
            return known;
        }
        URI uri = URI.create(settings.baseUrl() + path);
        if (targets.size() < MAX_CACHED_TARGETS) {
            targets.put(path, uri);
        }
        return uri;
    }

    /**
     * Relays a client's request: {@code pathFromRoot} (with its query) is taken from the server root, the base URL
     * without its path, since a LlamaStack's base URL ends in /v1 and the relay also serves /v1alpha and /v1beta.
     * The body streams from {@code body} as the client sends it ({@code length} -1 when unknown: chunked), so uploads
     * are never held in memory. Returns the response whatever its status.
     */
    public UpstreamResponse relay(String method, String pathFromRoot, UpstreamHeaders trace,
                                  Map<String, String> headers, InputStream body, long length, String what,
                                  Duration firstByteTimeout) {
        URI base = settings.baseUrl();
        String root = base.toString().substring(0, base.toString().length() - base.getRawPath().length());
        HttpUriRequestBase message = message(method, URI.create(root + pathFromRoot), trace, headers);
        if (body != null) {
            message.setEntity(new InputStreamEntity(body, length, null));
        }
        return open(message, what, firstByteTimeout);
    }

    /** Adds the bearer token, fixed headers and trace context to a request's own headers. */
    private HttpUriRequestBase message(String method, URI target, UpstreamHeaders trace,
                                       Map<String, String> headers) {
        HttpUriRequestBase message = new HttpUriRequestBase(method, target);
        if (Thread.currentThread().isVirtual()) {
            // Its deadline interrupts a virtual thread's reads, so they need no socket timeout. A timed read on a
            // virtual thread schedules a wake-up with the scheduler's delay thread and cancels it when the bytes
            // come, signalling that thread both times: 5-8% of a relayed request's CPU and a context switch a read.
            message.setConfig(untimed);
        }
        settings.headers().forEach(message::addHeader);
        if (settings.bearerToken() != null && !settings.bearerToken().isBlank()) {
            message.addHeader("Authorization", "Bearer " + settings.bearerToken());
        }
        trace.values().forEach(message::addHeader);
        headers.forEach(message::setHeader);
        return message;
    }

    private UpstreamResponse open(HttpUriRequestBase message, String what, Duration firstByteTimeout) {
        long firstByteDue = System.nanoTime() + firstByteTimeout.toNanos();
        Deadline deadline = deadlines.arm(firstByteTimeout);
        ClassicHttpResponse response;
        try {
            response = client.executeOpen(host, message, null);
        } catch (IOException | RuntimeException e) {
            deadline.close();
            throw deadline.fired() ? noFirstByte(what, firstByteTimeout) : failure(what, e);
        }
        deadline.close();
        if (deadline.fired()) {
            // The answer arrived just as the deadline fired: it is late, and the exchange is abandoned.
            message.abort();
            UpstreamResponse.closeQuietly(response);
            throw noFirstByte(what, firstByteTimeout);
        }
        return new UpstreamResponse(what, response, message, deadlines, firstByteDue, settings.idleTimeout());
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
        return read(text, what, ObjectMapper::readTree);
    }

    /** How a provider reads a piece of an upstream's answer without a tree, e.g. with the mapper's parser. */
    @FunctionalInterface
    public interface TextReader<T> {
        T read(ObjectMapper json, String text) throws IOException;
    }

    /** Reads {@code text} with this upstream's JSON mapper; malformed text is a bad upstream response. */
    public <T> T read(String text, String what, TextReader<T> reader) {
        try {
            return reader.read(json, text);
        } catch (IOException e) {
            throw UpstreamFailure.badResponse("upstream sent a malformed " + what + ": "
                    + abbreviate(text), e);
        }
    }

    private static UpstreamFailure noFirstByte(String what, Duration firstByteTimeout) {
        return UpstreamFailure.timeout(what + ": no response from upstream within " + firstByteTimeout.toMillis()
                + " ms (first_byte_timeout_ms)");
    }

    private UpstreamFailure failure(String what, Throwable cause) {
        if (Thread.currentThread().isInterrupted()) {
            return UpstreamFailure.connection(what + ": interrupted while waiting for the upstream", cause);
        }
        if (cause instanceof ConnectTimeoutException
                || cause instanceof SocketTimeoutException && cause.getMessage() != null
                        && cause.getMessage().contains("Connect")) {
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

    private static Duration retryAfter(UpstreamResponse response) {
        return response.header("Retry-After").flatMap(v -> {
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

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
        pool.close(CloseMode.IMMEDIATE);
    }
}
